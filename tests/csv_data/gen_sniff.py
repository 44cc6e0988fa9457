# Prints SNIFF_VECTORS for tests/csv_data/vectors.rs: samples and what `csv-convert --sniff
# --to json` must give, from CPython 3.11's csv.Sniffer: the sniffed dialect read with
# DictReader (restval "", restkey "_extra", as --flexible) when has_header() says there is a header, else csv.reader; None
# when the sniffer gives up. Among them, columns of non-ASCII digits, which Python's
# complex() reads as numbers ('１', '١').
import csv, io, json

def rs(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r') + '"'

samples = [
    'name,age\nann,31\nbob,42\n',
    'name;age\nann;31\nbob;42\n',
    'a|b|c\n1|2|3\n4|5|6\n',
    "'x','y'\n'1','2'\n'3','4'\n",
    'name, city\nann, Paris\nbob, Rome\n',
    '1,2\n3,4\n5,6\n',
    'a,b\n１,２\n３,４\n',
    'a,b\n١,٢\n٣,٤\n',
    'id\tscore\nx\t１０\ny\t２０\n',
    'a,b\n１,x\n３,y\n',
    'col,val\n(1+2j),3\n(4-1j),5\n',
    'h1,h2\n\u00a07,8\n9\u3000,10\n',
    # No delimiter among the quotes: doublequote comes from any line with three quotechars.
    '"a""b"\nab',
]

print("/// (sample, Python 3.11's csv.Sniffer reading of it as JSON rows, or None when it gives up)")
print("const SNIFF_VECTORS: &[(&str, Option<&str>)] = &[")
for sample in samples:
    try:
        sniffer = csv.Sniffer()
        dialect = sniffer.sniff(sample)
        if sniffer.has_header(sample):
            rows = list(csv.DictReader(io.StringIO(sample, newline=''), dialect=dialect, restval='', restkey='_extra'))
        else:
            rows = list(csv.reader(io.StringIO(sample, newline=''), dialect=dialect))
        out = 'Some(' + rs(json.dumps(rows, ensure_ascii=False)) + ')'
    except csv.Error:
        out = 'None'
    print(f"    ({rs(sample)}, {out}),")
print("];")
