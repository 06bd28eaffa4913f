#!/usr/bin/env python3
"""Runs a command while another connection holds a read transaction open on a store: the
transaction starts (and reads) before the command starts and ends after it has ended, so the
overlap does not depend on timing. Prints the command's standard output and error, then
whether the reader's transaction stayed open and saw the same rows throughout. Exit: the
command's, or 3 when the reader was disturbed.
Usage: while_reading.py DB -- COMMAND..."""
import sqlite3
import subprocess
import sys

db, cmd = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
con = sqlite3.connect(db, isolation_level=None)
con.execute("BEGIN")
before = con.execute("SELECT count(*) FROM _batch").fetchone()[0]
p = subprocess.run(cmd, capture_output=True)
sys.stdout.write(p.stdout.decode("utf-8", errors="backslashreplace"))
sys.stdout.write(p.stderr.decode("utf-8", errors="backslashreplace"))
after = con.execute("SELECT count(*) FROM _batch").fetchone()[0]
held = con.in_transaction
con.execute("COMMIT")
print(f"reader: transaction open throughout: {held}; batches before {before}, after {after}")
sys.exit(p.returncode if held and before == after > 0 else 3)
