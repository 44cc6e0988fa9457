#!/bin/sh
# Regenerates tests/csv_data/vectors.rs from CPython's csv module and codecs (3.11, as the
# reference): run from the repository root with python3 on PATH. The vectors are checked in,
# so `cargo test` needs no Python.
set -eu
cd "$(dirname "$0")"
{
    echo "// Generated from CPython $(python3 -c 'import sys; print(sys.version.split()[0])')'s csv module and codecs by"
    echo "// \`sh tests/csv_data/gen_vectors.sh\` (gen_reader.py, gen_writer.py, gen_dict.py,"
    echo "// gen_sniff.py, gen_encodings.py). Do not edit by hand."
    for script in gen_reader.py gen_writer.py gen_dict.py gen_sniff.py gen_encodings.py; do
        echo
        python3 "$script"
    done
} > vectors.rs.new
mv vectors.rs.new vectors.rs
