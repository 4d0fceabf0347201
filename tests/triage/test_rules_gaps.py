"""Rule gaps found by a new user trying the demo in lexicon mode (the default `make run`, no
sentence model): each case is written in new words, with a near miss that must not fire. They
hold in both modes: the rules alone, and with the semantic and learned layers."""

from __future__ import annotations

import pytest

from onedoor.triage import semantic
from onedoor.triage.engine import assess

# (text, grade, vulnerabilities that must be found, vulnerabilities that must not)
CASES = [
    ("Man acting strangely at the railway station, talking about jumping in front of a train.",
     "immediate", {"suicide_risk"}, set()),
    ("my brother keeps texting that he is going to end it all tonight, he is not answering his phone",
     "immediate", {"suicide_risk"}, set()),
    ("A woman is standing at the bus stop saying she will jump off the bridge if her boyfriend leaves her",
     "immediate", {"suicide_risk"}, set()),
    ("My grandad with dementia walked out of the care home an hour ago and we can't find him.",
     "immediate", {"missing_person", "older_or_frail"}, set()),
    ("mum has alzheimers and she slipped out while I was in the shower, we cannot find her anywhere",
     "immediate", {"missing_person", "older_or_frail"}, set()),
    ("Group of men drinking and shouting abuse at people going into the mosque.",
     None, {"hate_crime"}, set()),
    ("Someone sprayed graffiti on the wall of the synagogue overnight.", None, {"hate_crime"}, set()),
    # Gaelic: "gun" is "that" or "without", not a weapon; "sgian" is a knife.
    ("Chaidh cuideigin a-steach don t-seada agam a-raoir agus ghoid iad dà bhaidhsagal. Tha mi a' smaoineachadh "
     "gun do ghlac camara an nàbaidh rudeigin.", "prompt", set(), set()),
    ("Tha fear le sgian aig an doras againn an-dràsta, thigibh gun dàil!", "immediate", set(), set()),
    # Near misses.
    ("The dog got out of the garden this morning and we can't find him anywhere.", None, set(), {"missing_person"}),
    ("We went to the film about a man who jumps off a bridge, is it suitable for a 12 year old?",
     None, set(), {"suicide_risk"}),
    ("There is a car parked across the entrance to the mosque car park again.", None, set(), {"hate_crime"}),
]


@pytest.mark.parametrize("mode", ["lexicon", "default"])
@pytest.mark.parametrize(("text", "grade", "found", "not_found"), CASES, ids=[c[0][:40] for c in CASES])
def test_rule_gaps(monkeypatch, mode, text, grade, found, not_found):
    if mode == "lexicon":
        monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    result = assess(text=text, channel="web")
    if grade is not None:
        assert result.grade == grade, result.rationale
    assert found <= set(result.vulnerabilities), result.rationale
    assert not (not_found & set(result.vulnerabilities)), result.rationale


# Words that look like danger in contacts that are not emergencies (cam-2026.11.12, found in the
# whole-engine cross-validation): the indicator named must not fire. Beside each, the same words
# in a real emergency, which must still be graded immediate.
NOT_DANGER = [
    # cam-2026.12.9: an approach the child has escaped from, an heirloom, a shop's stock, a
    # charge, a sport, a joke, a dropped wallet and a dated past damage are not threats to life.
    ("A man in a car pulled up beside my daughter on her way home from school this afternoon and asked her to get in. She ran home and she is safe.",
     "override.life_threat"),
    ("I have inherited my great-grandfather's cavalry sword. Is it legal to hang it in the hall of my new flat?",
     "override.life_threat"),
    ("Our shop in Perth sells chef's knives and cleavers. Do we have to check ID for every sale?",
     "override.life_threat"),
    ("My nephew has been charged with possession of a knife. When is the court date likely to be?",
     "override.life_threat"),
    ("The hammer throw is at 2pm at the Braemar gathering and the crowd will be close by.",
     "override.life_threat"),
    ("lol my mum's going to kill me, I've left my purse on the bus again. Has a brown purse been handed in?",
     "threat.threat_to_kill"),
    ("Someone dropped this wallet, I found it lying on the pavement on Union Street. Where can I hand it in?",
     "harm.medical_danger"),
    ("On the 5th of this month someone used a hammer to smash the windows of the shed in Alloa.",
     "override.life_threat"),
    ("Mój syn (15 lat) wrócił ze szkoły i powiedział, że starsi chłopcy zabrali mu telefon w parku.",
     "lang.child_taken"),
    ("Dzień dobry, czy w Szkocji mogę mieć w samochodzie nóż do ryb, kiedy jadę na ryby?",
     "override.life_threat"),
    ("Bit of an odd one. My ex has just moved into the same block of flats as me. He's been nothing but polite.",
     "harm.suicide_imminent"),
    ("When I was a boy my pal and I found an old revolver and we got scared and threw it in the Water of Leith.",
     "harm.water"),
    ("my 14 year old is in a group chat where the kids call each other names. no adults in it, just rude.",
     "harm.child_neglect"),
    ("Just seen a guy at the cashline fitting something onto the card slot, he's away now.", "harm.medical_danger"),
    ("My neighbour has a life-size fake body hanging from his tree for Halloween, is that legal?", "harm.medical_danger"),
    ("Some absolute weapon has been nicking the lead flashing off my garage roof.", "threat.weapon"),
    ("Some absolute weapon has been nicking the lead flashing off my garage roof.", "vuln.sexual_offence"),
    ("Is it legal for me to carry a wee folding knife in my fishing bag? Blade's about 3 inches.", "threat.weapon"),
    ("My neighbour has an old samurai sword mounted on his living room wall as a decoration.", "threat.weapon"),
    ("I'm here to hand in a knife for the amnesty", "threat.weapon"),
    ("Man attends counter to surrender a shotgun that belonged to his late father. The gun is in a slip in his car.",
     "threat.weapon"),
    ("The same woman has stolen razor blades and baby formula from our pharmacy five times this month.", "threat.weapon"),
    ("someone dumped a car in the field and set it on fire, it's burnt out now and the fire brigade have been",
     "harm.fire"),
    ("This is the end of my complaint; I expect a reply within ten days.", "harm.suicide_imminent"),
    ("I found a knife hidden in my son's room, what should I do?", "threat.weapon"),
    # Money and things are not missing people (cam-2026.11.14).
    ("My grandad (88) says his carer looks after his bank card and he has not seen a statement since June.",
     "vuln.missing_person"),
    ("The resident keeps phoning to say she has been robbed, but we checked and nothing is missing.", "vuln.missing_person"),
    ("£200 vanished from my nan's purse while the decorator was in, she is 90.", "vuln.missing_person"),
    ("The kitchen floor tiles were smashed by whoever broke in last week.", "harm.medical_danger"),
    # cam-2026.12.8: false threats to life the new writers showed, in new words.
    ("Came back from Arran to find the shed done over, my golf clubs and the strimmer are away.", "threat.weapon"),
    ("I've got a wee lock knife I use at the allotment, can I keep it in the glovebox?", "threat.weapon"),
    ("Clearing my late grandad's loft in Forfar and there's an old air rifle wrapped in a coat, what now?",
     "threat.weapon"),
    ("Can I be a referee on my brother-in-law's shotgun certificate application?", "threat.weapon"),
    ("A boy in my class keeps messaging me on snapchat saying he'll stab me at the gates on Monday", "override.life_threat"),
    ("Traffic on the M90 at Kelty has been sat not moving for half an hour, is there something on?", "harm.medical_danger"),
    ("The man next door is hitting his dog with a stick in the back garden again.", "threat.violence_in_progress"),
    ("Folk light a fire on the beach at Loch Ard every weekend and leave their rubbish, is that allowed?", "lang.fire"),
    ("There are bats roosting in the roof of our church hall and the roofers start on Monday, who do I tell?",
     "threat.weapon"),
    ("Halò, tha mi airson mo theisteanas gunna ùrachadh. Càite am faigh mi am foirm?", "lang.weapon"),
    ("Dzień dobry, i od tamtej pory nikt się ze mną nie skontaktował w sprawie kradzieży roweru.",
     "harm.suicide_imminent"),
]
STILL_DANGER = [
    # cam-2026.12.9: not an heirloom, though it is his own.
    "My husband has just taken his rifle out of the cabinet and gone up the hill saying he can't go on. Twenty minutes ago.",
    "my pal has taken an od and she is falling asleep",
    "she has ODd on her tablets, please come",
    "A man just threw a woman in the river at the Shore and she is not coming up",
    "There's a toddler alone in the park, no adults anywhere, she's crying by the pond",
    "My husband is fitting on the kitchen floor and his lips are going blue",
    "There's a man hanging from a tree in the woods behind the school",
    "guy outside the bookies with a knife, blade's about 6 inches, waving it at people",
    "A man is waving a sword about in the street outside my house right now",
    "The neighbour's shed is on fire right now and the flames are reaching the house",
    # Gaps the held-out misses showed (cam-2026.11.12), in new words.
    "I've come in to check on my gran and she is on the bathroom floor, she can't get up",
    "My neighbour is sitting in his hall with blood coming from his head, the door's been kicked in",
    "my brother posted 'sorry for everything, this is the end' an hour ago and nobody can reach him",
    "A lad in the park is setting his dog on people walking past, it's already bitten a woman",
    # Emergencies the whole-engine cross-validation missed (cam-2026.11.12), in new words: a
    # person who cannot speak freely, a plea made in secret, a fire that has grown, a stroke.
    "i cant talk, hes here. help",
    "Can't speak. He is listening at the door.",
    "The postie said the woman at number 4 whispered 'help me' before a man grabbed her back inside",
    "the smoke from the old mill is now flames and we think there are kids inside",
    "I think my dad is having a stroke, his face has dropped and he can't lift his arm",
    "My gran has dementia and has not been seen since she left the day centre this morning",
    # cam-2026.11.15: a state that is still so, a crime being done, English as a second language.
    "old man collapsed outside the chemist on the high street not breathing",
    "quick the bookies on Dalry Road is being robbed",
    "hit and run on the Crow Road, a man is lying bleeding on the road",
    "my boss lock us in the caravan and say if we phone police he kill us",
    # cam-2026.11.16: found, and still lying there.
    "Came home to find my flatmate unconscious in the bathroom",
    "found an old man collapsed at the bus shelter on Leith Walk",
    # cam-2026.12.8: a bat or a golf club held at someone, now.
    "her ex is at the door right now and he's got a bat, he's shouting he'll do her in",
    "two boys swinging golf clubs at folk outside the chippy on Main Street right now",
]

# The same words, over: not emergencies (the rules alone).
OVER = [
    "he collapsed yesterday and was unconscious for a minute, the doctor says he is fine now",
    "I was punched at a bus stop last weekend and my nose was bleeding but I'm ok now",
    "My car was being repaired last week when someone took the radio out of it",
    "I found my gran on the floor last week, she is fine now and home from hospital",
]


@pytest.mark.parametrize("text", OVER, ids=[t[:40] for t in OVER])
def test_the_same_words_when_it_is_over(monkeypatch, text):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    assert assess(text=text, channel="web").grade != "immediate"


@pytest.mark.parametrize(("text", "rule"), NOT_DANGER, ids=[f"{c[1]}:{c[0][:30]}" for c in NOT_DANGER])
def test_words_that_only_look_like_danger(monkeypatch, text, rule):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    result = assess(text=text, channel="web")
    assert rule not in result.rules_fired, result.rationale
    assert "override.life_threat" not in result.rules_fired, result.rationale


@pytest.mark.parametrize("mode", ["lexicon", "default"])
@pytest.mark.parametrize("text", STILL_DANGER, ids=[t[:40] for t in STILL_DANGER])
def test_the_same_words_in_an_emergency(monkeypatch, mode, text):
    if mode == "lexicon":
        monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    assert assess(text=text, channel="web").grade == "immediate"


# Emergencies in the languages most often seen, in their own words (cam-2026.11.12: the rules
# alone read these; the sentence model reads English only). Each with the vulnerability it
# shows, where it shows one.
FOREIGN_EMERGENCIES = [
    ("Mój brat napisał, że nie chce już żyć, i wyłączył telefon. Jest sam w mieszkaniu w Dundee.", "suicide_risk"),
    ("زوجي السابق يحاول كسر باب الشقة الآن وأنا وحدي مع أطفالي", None),
    ("我的朋友说她吃了很多安眠药，现在不接电话", "suicide_risk"),
    ("Мій сусід не дихає, лежить на підлозі в коридорі", None),
    ("Sora mea este ținută închisă într-o casă din Glasgow și nu o lasă să plece", "exploitation"),
    ("Мой муж бьёт меня прямо сейчас, дети плачут", "domestic_abuse"),
    ("Mi amigo dice que quiere quitarse la vida esta noche y no contesta", "suicide_risk"),
    ("Mama mówi bardzo niewyraźnie, chyba ma udar, jest sama w domu w Perth", None),
    # cam-2026.12.8: someone not moving or not responding; knives in Bulgarian; a fight going on.
    ("Wypadek na A90 koło Stonehaven, motocyklista leży na drodze i się nie rusza", None),
    ("Моя подруга лежить на підлозі у ванній і не рухається", None),
    ("Трима мъже с ножове гонят брат ми по улицата", None),
    ("Przed sklepem na Union Street bije się dwóch facetów, jeden ma nóż", None),
    # cam-2026.12.9: a child being taken, a small child gone, now.
    ("Jakiś mężczyzna wciąga moją córkę do samochodu przed szkołą w Kirkcaldy, teraz!", "child_at_risk"),
    ("Copilul meu de 4 ani a dispărut acum din supermarketul din Aberdeen, nu îl găsim", "child_at_risk"),
]
# The same kinds of words about the past, or a threat that is not to life: a person reads them
# (prompt, the language floor) but they are not emergencies.
FOREIGN_NOT_EMERGENCIES = [
    "Mój wujek popełnił samobójstwo rok temu, chcę zapytać o raport z sekcji.",
    "有人在网上威胁要把我的照片发给我的家人，我该怎么办",
    "تعرضت للضرب قبل أسبوعين في المطعم الذي أعمل فيه ولدي صور",
    "Sąsiad od miesięcy krzyczy i kopie w moje drzwi w nocy, mam nagrania",
    # cam-2026.12.8: a past assault told in the past form; "threatens" (to evict, to report) is
    # not a threat to kill; "acum trei zile" is three days ago, not now.
    "Tydzień temu przed sklepem w Perth obcy mężczyzna uderzył mnie w twarz, znam jego imię.",
    "Господар погрожує виселити нас з квартири до кінця тижня. Що нам робити?",
    "Acum trei zile un coleg de muncă m-a lovit în vestiar, am martori.",
    "قبل حوالي ساعة ضربني رجل في موقف الحافلات وسرق حقيبتي. أنا بخير وفي البيت.",
]


@pytest.mark.parametrize(("text", "vulnerability"), FOREIGN_EMERGENCIES, ids=[c[0][:24] for c in FOREIGN_EMERGENCIES])
def test_emergencies_in_other_languages(text, vulnerability):
    result = assess(text=text, channel="web")
    assert result.interpreter_needed
    assert result.grade == "immediate", result.rationale
    assert vulnerability is None or vulnerability in result.vulnerabilities, result.rationale


@pytest.mark.parametrize("text", FOREIGN_NOT_EMERGENCIES, ids=[t[:24] for t in FOREIGN_NOT_EMERGENCIES])
def test_other_languages_past_or_not_to_life(text):
    result = assess(text=text, channel="web")
    assert result.interpreter_needed and result.grade == "prompt", result.rationale


# Words of other languages that English shares: in a message in English they are English.
ENGLISH_AFTER_ALL = [
    ("Someone keyed my car in the Tesco car park last night, the store says their camera caught it.",
     "lang.evidence"),
    ("My grandson wore his sgian dubh to a wedding in Inverness and it was stolen from the hotel room on Saturday.",
     "lang.weapon"),
    ("The lad next door was showing his pals a pistol he bought online, I saw it through the window last week.",
     "lang.weapon"),
]


@pytest.mark.parametrize(("text", "rule"), ENGLISH_AFTER_ALL, ids=[c[1] + ":" + c[0][:30] for c in ENGLISH_AFTER_ALL])
def test_other_languages_words_do_not_count_in_english(monkeypatch, text, rule):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    result = assess(text=text, channel="web")
    assert not result.interpreter_needed
    assert rule not in result.rules_fired, result.rationale


def test_a_sentence_in_another_language_inside_an_english_message_still_counts(monkeypatch):
    # The writer quotes a neighbour in Polish: "he has a knife, he is beating her".
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    result = assess(
        text="I live below a Polish couple in Leith and I have just had a text from her. "
             "On ma nóż, bije ją teraz w kuchni, proszę pomóżcie. What do I do, I can hear banging now.",
        channel="web",
    )
    assert {"lang.weapon", "lang.violence"} <= set(result.rules_fired), result.rationale
    assert result.grade == "immediate", result.rationale


# Vulnerabilities in other languages, beyond the emergency words: named (cam-2026.12.9), and
# told without naming the category (cam-2026.12.10): touching, exposure and intimate images;
# messages by the dozen and waiting outside; not coming home; farewells; a mental illness; a
# child in the middle of it.
FOREIGN_VULNERABILITIES_TOLD = [
    ("Sąsiad krzyczy na mnie na klatce, że mam wracać do swojego kraju, bo jestem Polką. To trwa od miesiąca.",
     {"hate_crime"}),
    ("Șeful de la spălătoria auto ne-a luat pașapoartele și nu ne-a plătit de trei luni.", {"exploitation"}),
    ("جارتي عمرها 85 سنة وتعيش وحدها، ورجل غريب يأتي إلى بابها كل يوم ويطلب المال", {"older_or_frail"}),
    ("Мене зґвалтували минулого тижня в Глазго, я боюся йти в поліцію.", {"sexual_offence"}),
    ("有个男人这两个星期每天跟踪我回家，我很害怕，不知道怎么办。", {"stalking_harassment"}),
    ("Wczoraj w autobusie do Leith jakiś mężczyzna dotykał mnie pod spódnicą, bałam się krzyczeć.", {"sexual_offence"}),
    ("O meu ex-namorado ameaça publicar fotos íntimas minhas se eu não voltar para ele.", {"sexual_offence", "domestic_abuse"}),
    ("Mi ex me manda decenas de mensajes cada día y me espera fuera del trabajo en Leith.",
     {"stalking_harassment", "domestic_abuse"}),
    ("Mój były chłopak od tygodnia wysyła mi dziesiątki wiadomości i czeka pod moją pracą w Dundee.",
     {"stalking_harassment", "domestic_abuse"}),
    ("Мій брат не повернувся додому після роботи, телефон вимкнений, ми дуже хвилюємося.", {"missing_person"}),
    ("Подруга написала мне, что покончит с собой сегодня ночью, и не отвечает.", {"suicide_risk", "mental_health"}),
    ("أخي مريض نفسي ولا يأخذ دواءه منذ أسبوع، ويصرخ طوال الليل.", {"mental_health"}),
    ("Mąż znowu mnie bije przy dzieciach, córka ma 5 lat i płacze całą noc.", {"domestic_abuse", "child_at_risk"}),
]


@pytest.mark.parametrize(("text", "vulnerabilities"), FOREIGN_VULNERABILITIES_TOLD,
                         ids=["+".join(sorted(c[1])) for c in FOREIGN_VULNERABILITIES_TOLD])
def test_vulnerabilities_told_in_other_languages(text, vulnerabilities):
    result = assess(text=text, channel="web")
    assert result.interpreter_needed
    assert vulnerabilities <= set(result.vulnerabilities), result.rationale


# ...and the same words about things, or about who someone loves, are not a vulnerability.
FOREIGN_LOOK_ALIKES = [
    "Mi coche ha desaparecido de la calle esta noche, era un Seat gris, matrícula escocesa.",
    "Zgubiłem portfel w autobusie numer 22 w Glasgow, czy ktoś go oddał na komisariat?",
    "Quería saber si en Escocia es delito insultar a alguien por su orientación sexual, es para un trabajo de clase.",
    "Колата ми изчезна тази сутрин от улицата, дали е вдигната от паяк?",
]


@pytest.mark.parametrize("text", FOREIGN_LOOK_ALIKES)
def test_other_languages_look_alikes_are_not_vulnerabilities(text):
    result = assess(text=text, channel="web")
    assert result.interpreter_needed
    assert not {"sexual_offence", "missing_person", "stalking_harassment"} & set(result.vulnerabilities), result.rationale
