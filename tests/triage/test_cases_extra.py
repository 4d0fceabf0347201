"""Hand-written labelled contacts, independent of dev.jsonl: paraphrases, SMS style, tricky
negation and timing, questions, and a few non-English messages (expected: the cautious grade)."""

from __future__ import annotations

import pytest

from onedoor.triage.engine import assess

# (id, channel, text, answers, grade, vulnerabilities, call_999_advice)
CASES: list[tuple[str, str, str, dict | None, str, list[str], bool]] = [
    # --- immediate: live danger, paraphrased and SMS style
    ("x01", "sms", "theres a guy w a knife outside the chippy on high st pls hurry", None, "immediate", [], True),
    ("x02", "whatsapp", "hes got a knife and hes saying hes going to stab my brother", None, "immediate", [], True),
    ("x03", "chat", "my boyfriend is hitting me right now, I've locked myself in the bathroom", None,
     "immediate", ["domestic_abuse"], True),
    ("x04", "web", "An old man has collapsed at the bus stop on Queen Street and he is not breathing", None,
     "immediate", [], True),
    ("x05", "phone", "Someone has broken into my house and they are still downstairs, I can hear them", None,
     "immediate", [], False),
    ("x06", "email", "My dad is 81 with Alzheimer's and he left the house this morning in his slippers. Nobody has seen him since.",
     None, "immediate", ["missing_person", "older_or_frail"], True),
    ("x07", "social", "My flatmate just messaged to say she is going to kill herself tonight and she won't answer the door",
     None, "immediate", ["mental_health", "suicide_risk"], True),
    ("x08", "web", "There is a mass fight going on outside the Crown bar, bottles being thrown", None,
     "immediate", [], True),
    ("x09", "voice", "The flat below is on fire and there's a woman shouting from the window", None,
     "immediate", [], True),
    ("x10", "sms", "pls help my ex is banging on the door sayin he will kill me. kids are here", None,
     "immediate", ["child_at_risk", "domestic_abuse"], True),
    ("x11", "web", "I want to report something.", {"in_danger_now": True}, "immediate", [], True),
    ("x12", "counter", "A toddler has been left alone in a car in the supermarket car park for ages, it's really hot", None,
     "immediate", ["child_at_risk"], True),
    # x13: "my husband has a knife and threatens to kill me". Expected [] when only emergency words
    # were recognised; policy cam-2026.11.2 reads partner words in Polish, so domestic_abuse is right.
    ("x13", "web", "Pomocy! Mój mąż ma nóż i grozi że mnie zabije", None, "immediate", ["domestic_abuse"], True),
    # --- prompt
    ("x14", "web", "Someone grabbed my handbag about 15 minutes ago outside Tesco and ran towards the station. I'm not injured.",
     None, "prompt", [], False),
    ("x15", "email", "Last Tuesday my husband slapped me and took my phone off me. I'm staying with a friend now.", None,
     "prompt", ["domestic_abuse"], False),
    ("x16", "web", "My 15 year old son didn't come home from school and it's now 11pm, his phone is off", None,
     "immediate", ["child_at_risk", "missing_person"], True),
    ("x17", "chat", "A man keeps turning up outside my work and following me home. I'm frightened to go out.", None,
     "prompt", ["stalking_harassment"], False),
    ("x18", "web", "My friend hasn't been seen since Friday and isn't answering anyone, this isn't like him at all", None,
     "prompt", ["missing_person"], False),
    ("x19", "web", "A guy flashed at me in the park twenty minutes ago, he had a red jacket on and went towards the pond", None,
     "prompt", ["sexual_offence"], False),
    ("x20", "web", "Two lads were fighting in the street and one was punched to the ground.", {"happened": "within_hour", "in_danger_now": False},
     "prompt", [], False),
    # --- standard
    ("x21", "web", "I was raped by my former boss several years ago and I am ready to talk to someone now.", None,
     "standard", ["sexual_offence"], False),
    ("x22", "email", "Someone broke into our garden shed last night and took two bikes. Our neighbour's camera caught them on video.",
     None, "standard", [], False),
    ("x23", "web", "I was punched in the face at a bus stop last weekend by a man I know from school. My nose was bleeding but I'm ok now.",
     None, "standard", [], False),
    ("x24", "web", "My grandmother is 88 and a man came to her door yesterday, said he was from the council and took £400 for roof repairs that were never done.",
     None, "standard", ["older_or_frail"], False),
    # --- other resolution
    ("x25", "web", "What should I do if someone threatens me with a knife?", None, "other_resolution", [], False),
    ("x26", "sms", "how do i report a stolen bike", None, "other_resolution", [], False),
    ("x27", "web", "Is it illegal to ride an e-scooter on the pavement?", None, "other_resolution", [], False),
    ("x28", "web", "My car was keyed in the supermarket car park last week. No witnesses and no cameras.", None,
     "other_resolution", [], False),
    ("x29", "email", "I paid a deposit for a puppy on a website and the seller has disappeared with my money.", None,
     "other_resolution", [], False),
    ("x30", "web", "There was a stabbing in town last year, I heard on the news. Are the streets safe now?", None,
     "other_resolution", [], False),
    ("x31", "web", "I found a purse on the bus this morning, where can I hand it in?", None, "other_resolution", [], False),
    ("x32", "web", "He didn't have a knife and no one was hurt, but my shed door was damaged sometime last week.", None,
     "other_resolution", [], False),
    ("x33", "web", "The neighbours have parties every weekend with loud music till 3am.", None, "other_resolution", [], False),
    # x34 was other_resolution until cam-2026.11.3: a contact not in English is at least prompt.
    ("x34", "web", "Zgubiłem portfel w autobusie wczoraj, czy ktoś go oddał?", None, "prompt", [], False),
    ("x35", "sms", "nobody was there when i got home but the back window is smashed n my laptop is gone", None,
     "other_resolution", [], False),
    ("x36", "web", "My brother has depression and has been low for months but he is safe and not suicidal, we just want advice on support.",
     None, "other_resolution", ["mental_health"], False),
    # --- second batch: crime in progress, falls, child exploitation, images, historic abuse
    ('y01', 'web', 'Someone has just smashed my car window and is rummaging inside it right now', None, 'immediate', [], True),
    ('y02', 'sms', 'my neighbours kid (about 6) is outside on his own in the rain in just a nappy, nobody answering the door', None, 'immediate', ['child_at_risk'], True),
    ('y03', 'web', 'My car was stolen from my driveway overnight. The tracker shows it parked in Leith.', None, 'standard', [], False),
    ('y04', 'web', 'My ex posted intimate photos of me on Facebook last night without my consent', None, 'prompt', ['domestic_abuse', 'sexual_offence'], False),
    ('y05', 'web', 'I think my elderly neighbour has fallen, I can hear her calling for help through the door', None, 'immediate', ['older_or_frail'], True),
    ('y06', 'web', 'My phone was stolen at a festival last month, I just need a reference number for my insurer', None, 'other_resolution', [], False),
    ('y07', 'chat', 'Help!!! Man with a gun in the Co-op on Main St', None, 'immediate', [], True),
    ('y08', 'web', "I was assaulted on a night out 3 weeks ago and didn't report it at the time. I don't know who it was.", None, 'standard', [], False),
    ('y09', 'web', 'Is it ok to report something that happened years ago? My uncle abused me when I was a child.', None, 'standard', [], False),
    ('y10', 'email', 'Someone stole parcels from my doorstep this afternoon, my Ring doorbell got their face', None, 'standard', [], False),
    ('y11', 'web', 'My daughter is 16 and a 30 year old man is giving her alcohol and drugs and she stays at his flat', None, 'prompt', ['child_at_risk', 'exploitation'], False),
    ('y12', 'counter', 'A man threatened staff with a screwdriver 5 minutes ago and left with cash from the till, he is heading down Union Street', None, 'immediate', [], True),
    ('y13', 'sms', 'my mate took too many pills at a party and now he wont wake up', None, 'immediate', [], True),
    ('y14', 'web', 'A woman has been sitting on the edge of the multi-storey car park roof for 10 minutes crying', None, 'immediate', ['mental_health', 'suicide_risk'], True),
    ('y15', 'web', "Last night a taxi driver refused to take me and called me a racial slur because I'm black.", None, 'standard', ['hate_crime'], False),
    ('y16', 'web', 'Someone hacked my Instagram and is asking my followers for money', None, 'other_resolution', [], False),
    ('y17', 'email', 'My mum (92) has had her pension stolen by her carer over several months', None, 'standard', ['exploitation', 'older_or_frail'], False),
    ('y18', 'web', "My partner won't let me see my friends, checks my phone and controls all our money", None, 'prompt', ['domestic_abuse'], False),
    ('y19', 'whatsapp', 'I heard gunshots near the woods behind my house a few minutes ago', None, 'immediate', [], True),
    ('y20', 'web', 'what are the rules on carrying a pocket knife?', None, 'other_resolution', [], False),
    ('y21', 'web', 'Not sure if this is a police matter but a man has been sleeping in the doorway of our shop for a week', None, 'other_resolution', [], False),
    ('y22', 'web', "There's a suspicious man looking into car windows on our street right now", None, 'prompt', [], False),
    ('y23', 'web', 'My wallet was stolen from my bag at the gym yesterday, nobody saw anything', None, 'other_resolution', [], False),
    ('y24', 'sms', 'some1 just punched my dad in the face outside the pub, hes bleeding loads', None, 'immediate', [], True),
    ('y25', 'web', "I'm deaf and my neighbour keeps shouting abuse at me because I'm deaf and banging on my door every night", None, 'prompt', ['disability', 'hate_crime', 'stalking_harassment'], False),
    ('y26', 'web', 'My 17 year old brother told me a man he met online keeps asking him for nude pics', None, 'prompt', ['child_at_risk', 'sexual_offence'], False),
    ('y27', 'web', 'i was not attacked, nobody hurt me, i just want to know how to get my confiscated phone back', None, 'other_resolution', [], False),
    ('y28', 'voice', 'Report a pothole on Station Road', None, 'other_resolution', [], False),
    ('y29', 'web', "My husband has dementia and walked out an hour ago, he isn't answering his mobile", None, 'immediate', ['missing_person', 'older_or_frail'], True),
    ('y30', 'web', 'In 2015 my stepfather sexually abused me. I want to report it now.', None, 'standard', ['sexual_offence'], False),
    # --- cam-2026.11.5: road danger now, attempted child abduction, fire through a letterbox, a
    # suicide plan with means, a beating with the abuser still there; and what must not fire them.
    ('z01', 'web', "There's a drunk driver in a red Astra weaving all over the road on the A77 near Kilmarnock right now", None, 'immediate', [], True),
    ('z02', 'sms', 'white van swerving all over the m9 just now nearly hit the barrier twice', None, 'immediate', [], True),
    ('z03', 'web', 'My neighbour got a drink driving ban last year and I think he is still driving, what can I do?', None, 'other_resolution', [], False),
    ('z04', 'chat', 'a man just tried to grab a wee boy at the park gates, his dad chased him off, he went towards the shops 5 mins ago', None, 'immediate', ['child_at_risk'], True),
    ('z05', 'web', 'Someone tried to take my son\'s bike at the skate park last Saturday', None, 'other_resolution', [], False),
    ('z06', 'whatsapp', 'somebody has just pushed burning paper through our letterbox, the mat is scorched, they are still outside', None, 'immediate', [], True),
    ('z07', 'web', "My brother walked out with a hosepipe and said he's going for a drive and he's not coming back", None, 'immediate', ['mental_health', 'suicide_risk'], True),
    ('z08', 'phone', "My friend is at my door, her partner has beaten her and her face is covered in blood, he's still in their flat", None, 'immediate', ['domestic_abuse'], False),
    ('z09', 'web', 'A customer drove off without paying for fuel yesterday. Our CCTV got a clear shot of his face and the number plate.', None, 'standard', [], False),
    ('z10', 'web', "Is it legal to have a Stanley knife in my toolbag? I'm a plumber and I carry it for work.", None, 'other_resolution', [], False),
    ('z11', 'sms', 'lads on scramblers doing wheelies through the crowd at the gala day, kids everywhere', None, 'immediate', [], True),
    # --- cam-2026.11.8: short messages (a blow with the attacker still there, held in a flat, mugged now,
    # robbed at knifepoint, barely conscious, a child of 11 not home, help in Chinese); and their near misses.
    ('z12', 'sms', 'just been headbutted outside the chippy and the guy is still here', None, 'immediate', [], True),
    ('z13', 'sms', 'he hit me on saturday, im at my mums now and hes not here', None, 'standard', [], False),
    ('z14', 'chat', 'my ex has taken my keys and will not let me leave the house', None, 'immediate', ['domestic_abuse'], True),
    ('z15', 'web', 'my dad will not let me go out until I finish my exams, is that allowed', None, 'other_resolution', [], False),
    ('z16', 'sms', 'a woman is getting mugged at the bus stop on union st right now', None, 'immediate', [], True),
    ('z17', 'whatsapp', 'got robbed at knifepoint 5 mins ago near the bridge, he ran off', None, 'immediate', [], True),
    ('z18', 'sms', 'my pal took something at the party and shes barely conscious', None, 'immediate', [], True),
    ('z19', 'web', 'my son has not come home from school, he is 10 and his phone is off', None, 'immediate', ['child_at_risk', 'missing_person'], True),
    ('z20', 'sms', '救命 有人 拿着 刀子 在 我家 门口', None, 'immediate', [], True),
]


@pytest.mark.parametrize(
    ("case_id", "channel", "text", "answers", "grade", "vulnerabilities", "call_999"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_extra_case(case_id, channel, text, answers, grade, vulnerabilities, call_999):
    assessment = assess(text=text, channel=channel, answers=answers)
    assert assessment.grade == grade, assessment.rationale
    assert assessment.vulnerabilities == sorted(vulnerabilities), assessment.rationale
    assert assessment.call_999_advice is call_999
