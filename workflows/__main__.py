from workflows.cli import app

app(prog_name="alhf")
