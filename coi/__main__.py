from coi.cli import cli

cli(prog_name="coi")
