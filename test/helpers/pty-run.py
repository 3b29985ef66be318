"""Runs a command in a real pseudo-terminal and answers its prompts.

Usage: pty-run.py '<json>' where json is {"argv": [...], "env": {...}, "steps": [["expect text", "send text"], ...],
"columns": the terminal's width (optional)}.
Prints one JSON line: {"code": exit code, "output": everything the terminal showed}.
"""
import fcntl, json, os, pty, select, struct, sys, termios, time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    if spec.get("columns"):
        # the terminal's size, set before the program starts so it sees it from the first
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, spec["columns"], 0, 0))
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])

output = b""
steps = [(e.encode(), s.encode()) for e, s in spec["steps"]]
deadline = time.time() + spec.get("timeout", 20)
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    if steps and steps[0][0] in output:
        expect, send = steps.pop(0)
        time.sleep(0.1)
        os.write(fd, send)
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "output": output.decode("utf8", "replace"), "unanswered": [e.decode() for e, _ in steps]}))
