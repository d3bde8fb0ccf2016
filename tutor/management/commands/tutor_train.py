import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutor.answerability import MODEL_PATH
from tutor.training import train


class Command(BaseCommand):
    help = "Train the offline tutor's answerability model from a SQuAD 2.0 style JSON-lines file and write it."

    def add_arguments(self, parser):
        parser.add_argument("data", type=Path, help="Training questions, one JSON object per line (id, title, context, question, answers).")
        parser.add_argument("--output", type=Path, default=MODEL_PATH, help="Where to write the model (default: the committed model file).")

    def handle(self, *args, data: Path, output: Path, **options):
        if not data.is_file():
            raise CommandError(f"{data}: no such file")
        try:
            model = train(data)
        except ValueError as error:
            raise CommandError(str(error)) from error
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(model.to_json(), indent=2) + "\n")
        facts = model.trained_on
        self.stdout.write(
            f"Trained on {facts['questions']} questions ({facts['answerable']} answerable): "
            f"answered {facts['answered']:.0%}, refused {facts['refused']:.0%} at threshold {model.threshold:.2f}; wrote {output}"
        )
