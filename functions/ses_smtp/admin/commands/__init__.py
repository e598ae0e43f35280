"""The CLI's commands, one module each: its arguments, the call it makes, and how it prints the answer.

Each module offers `add_parser(commands)`; `ses_smtp.admin.cli` builds the argument tree from them and
adds the options every command shares.
"""
