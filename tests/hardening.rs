//! The `tackle` binary is hardened the way distributions require of a network server: a
//! position-independent executable (so ASLR places its code at random) with full RELRO (the
//! relocation tables and GOT are read-only after start-up: `PT_GNU_RELRO` and `BIND_NOW`).
//! Read from the ELF headers of the built binary itself, without external tools.

mod common;

const ET_DYN: u16 = 3;
const PT_INTERP: u32 = 3;
const PT_DYNAMIC: u32 = 2;
const PT_GNU_RELRO: u32 = 0x6474_e552;
const DT_NULL: u64 = 0;
const DT_BIND_NOW: u64 = 24;
const DT_FLAGS: u64 = 30;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DF_BIND_NOW: u64 = 0x8;
const DF_1_NOW: u64 = 0x1;
const DF_1_PIE: u64 = 0x0800_0000;

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes[at..at + 2].try_into().expect("2 bytes"))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// A program header: its type and where its contents lie in the file.
struct Segment {
    kind: u32,
    offset: usize,
    size: usize,
}

/// The program headers of a little-endian ELF64 file.
fn segments(elf: &[u8]) -> Vec<Segment> {
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not ELF64");
    assert_eq!(elf[5], 1, "not little-endian");
    let (phoff, phentsize, phnum) = (
        u64_at(elf, 32) as usize,
        u16_at(elf, 54) as usize,
        u16_at(elf, 56) as usize,
    );
    (0..phnum)
        .map(|i| {
            let header = &elf[phoff + i * phentsize..];
            Segment {
                kind: u32_at(header, 0),
                offset: u64_at(header, 8) as usize,
                size: u64_at(header, 32) as usize,
            }
        })
        .collect()
}

/// The `(tag, value)` entries of the dynamic section, up to `DT_NULL`.
fn dynamic_entries(elf: &[u8], dynamic: &Segment) -> Vec<(u64, u64)> {
    elf[dynamic.offset..dynamic.offset + dynamic.size]
        .chunks_exact(16)
        .map(|entry| (u64_at(entry, 0), u64_at(entry, 8)))
        .take_while(|&(tag, _)| tag != DT_NULL)
        .collect()
}

#[test]
fn the_binary_is_a_pie_with_full_relro() {
    let elf = std::fs::read(common::bin()).expect("read the tackle binary");
    assert_eq!(
        u16_at(&elf, 16),
        ET_DYN,
        "e_type is not ET_DYN: linked without PIE"
    );
    let segments = segments(&elf);
    let has = |kind| segments.iter().any(|s| s.kind == kind);
    assert!(
        has(PT_INTERP),
        "no program interpreter: a shared library, not an executable"
    );
    assert!(has(PT_GNU_RELRO), "no PT_GNU_RELRO segment: no RELRO");
    let dynamic = segments
        .iter()
        .find(|s| s.kind == PT_DYNAMIC)
        .expect("a dynamic section");
    let entries = dynamic_entries(&elf, dynamic);
    let flag = |tag| {
        entries
            .iter()
            .filter(|&&(t, _)| t == tag)
            .fold(0, |all, &(_, value)| all | value)
    };
    assert_ne!(flag(DT_FLAGS_1) & DF_1_PIE, 0, "DF_1_PIE is not set");
    let bind_now = entries.iter().any(|&(tag, _)| tag == DT_BIND_NOW)
        || flag(DT_FLAGS) & DF_BIND_NOW != 0
        || flag(DT_FLAGS_1) & DF_1_NOW != 0;
    assert!(bind_now, "no BIND_NOW: only partial RELRO");
}
