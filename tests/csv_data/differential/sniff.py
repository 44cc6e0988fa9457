import os, csv, random, subprocess, sys, json
T = os.environ.get("TACKLE", "target/debug/tackle")  # run from the repository root after cargo build
random.seed(int(sys.argv[1]))
fails = 0; n = 0
words = ['ab', '12', '3.5', 'x y', '"q"', "'s'", 'é', '', '"a""b"', ' ', '7']
for it in range(int(sys.argv[2])):
    d = random.choice([',', ';', '\t', '|', ' ', ':'])
    ncol = random.randint(1, 4)
    lines = []
    for _ in range(random.randint(1, 8)):
        lines.append(d.join(random.choice(words) for _ in range(ncol)))
    sample = '\n'.join(lines) + random.choice(['', '\n'])
    try:
        dia = csv.Sniffer().sniff(sample)
        hh = csv.Sniffer().has_header(sample)
        py = (dia.delimiter, dia.quotechar, bool(dia.skipinitialspace), dia.doublequote, hh)
    except csv.Error:
        py = None
    r = subprocess.run([T, '-v', 'csv-convert', '--sniff', '--flexible', '--to', 'json'], input=sample.encode(), capture_output=True)
    us = None
    for line in r.stderr.decode().splitlines():
        if 'sniffed' in line:
            us = line[line.index('sniffed'):]
    if py is None:
        ok = us is None
    elif py[0] == py[1]:
        # Documented: Python "finds" a delimiter equal to the quotechar; we refuse it.
        ok = us is None and b"which cannot be" in r.stderr
    else:
        rq = lambda c: "'\\''" if c == "'" else repr(c)
        want = f"sniffed delimiter {rq(py[0])}, quotechar {rq(py[1])}, skipinitialspace {str(py[2]).lower()}, doublequote {str(py[3]).lower()}, header {'yes' if py[4] else 'no'}"
        ok = us == want
    n += 1
    if not ok:
        fails += 1
        if fails < 6: print("MISMATCH", repr(sample), "\n py:", py, "\n us:", us, r.stderr[-200:])
print("fails", fails, "of", n)
