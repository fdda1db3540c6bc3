//! A small deterministic fuzzer for the tests that hold a fast reader to
//! the full parser: texts mutated by inserting and deleting pieces.

/// A xorshift generator: the same numbers for the same seed, on every machine.
pub fn numbers(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// `text` with one to three edits: a byte deleted, or one of `pieces`
/// inserted; `None` when the result is no longer UTF-8.
pub fn mutated(text: &str, pieces: &[&str], next: &mut impl FnMut() -> u64) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..(1 + next() % 3) {
        let at = (next() as usize) % (bytes.len() + 1);
        if next().is_multiple_of(3) && at < bytes.len() {
            bytes.remove(at);
        } else {
            let piece = pieces[(next() as usize) % pieces.len()].as_bytes();
            bytes.splice(at..at, piece.iter().copied());
        }
    }
    String::from_utf8(bytes).ok()
}
