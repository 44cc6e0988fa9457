import os, csv, io, json, random, subprocess, sys
T = os.environ.get("TACKLE", "target/debug/tackle")  # run from the repository root after cargo build
alpha = ['a', 'b', ',', '"', '\r', '\n', '\\', ' ', 'é', ';', '1', '.', "'", '\t']
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
fails = 0
for it in range(int(sys.argv[2]) if len(sys.argv) > 2 else 500):
    data = ''.join(random.choice(alpha) for _ in range(random.randint(0, 30)))
    kw = {}
    args = ["csv-convert", "--no-header", "--flexible", "--to", "json"]
    if random.random() < 0.3:
        kw['escapechar'] = '\\'; args += ['--escapechar', '\\']
    if random.random() < 0.2:
        kw['doublequote'] = False; args += ['--no-doublequote']
    if random.random() < 0.2:
        kw['skipinitialspace'] = True; args += ['--skipinitialspace']
    if random.random() < 0.2:
        kw['strict'] = True; args += ['--strict']
    if random.random() < 0.2:
        kw['delimiter'] = ';'; args += ['-d', ';']
    q = random.random()
    if q < 0.15:
        kw['quoting'] = csv.QUOTE_NONE; args += ['--quoting', 'none', '--out-escapechar', '\\']
    elif q < 0.3:
        kw['quoting'] = csv.QUOTE_NONNUMERIC; args += ['--quoting', 'nonnumeric']
    try:
        py = list(csv.reader(io.StringIO(data, newline=''), **kw))
        if kw.get('quoting') == csv.QUOTE_NONNUMERIC:
            import math
            if any(isinstance(v, float) and not math.isfinite(v) for r in py for v in r):
                continue
        perr = None
    except Exception as e:
        py = None; perr = e
    r = subprocess.run([T] + args, input=data.encode(), capture_output=True)
    if r.returncode == 0:
        ours = json.loads(r.stdout)
        if kw.get('quoting') == csv.QUOTE_NONNUMERIC and py is not None:
            py = [[float(v) if isinstance(v, float) else v for v in row] for row in py]
            ours = [[float(v) if isinstance(v, (int, float)) else v for v in row] for row in ours]
        ok = py == ours
    else:
        ok = perr is not None
    if not ok:
        fails += 1
        if fails < 8:
            print("MISMATCH", repr(data), kw, "\n py:", py, perr, "\n us:", r.stdout[:300], r.stderr[:300])
print("fails", fails)
