//! Edit distance for typo-tolerant name matching (`jounralctl` finds `journalctl`).

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbouring characters each cost 1. Typed command names are short and ASCII, so
/// this works on bytes.
pub fn distance(a: &str, b: &str) -> usize {
    distance_within(a, b, usize::MAX).expect("no bound")
}

/// The distance if it is `max` or less. Stops as soon as it cannot be: ranking compares every
/// name of the sheet with each query word, and nearly all are far.
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len())).filter(|d| *d <= max);
    }
    if a.len().abs_diff(b.len()) > max {
        return None; // every edit changes the length by one at most
    }
    if max <= 1 {
        // Words of four to six letters allow one edit: a straight comparison answers
        // that without the table (the table was a tenth of a two-word search).
        return within_one(a, b).filter(|d| *d <= max);
    }
    let width = b.len() + 1;
    // Three rows: two back (for swaps), previous, current. Typed names are short: keep
    // them on the stack and allocate only for long input.
    let mut stack = [0usize; 3 * 33];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if width <= 33 {
        &mut stack[..width * 3]
    } else {
        heap.resize(width * 3, 0);
        &mut heap
    };
    for (j, cell) in rows[width..2 * width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (older, rest) = rows.split_at_mut(width);
        let (prev, cur) = rest.split_at_mut(width);
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(older[j - 2] + 1);
            }
            cur[j] = d;
        }
        // Every later cell comes from this row plus something, or the one before plus one
        // (a swap): once both are past `max`, so is the result.
        let row_min = cur.iter().min().copied().unwrap_or(0);
        let prev_min = if i > 1 {
            prev.iter().min().copied().unwrap_or(0)
        } else {
            0
        };
        if row_min > max && prev_min >= max {
            return None;
        }
        rows.rotate_left(width);
    }
    // After the last rotation the final row sits in the middle slot.
    Some(rows[2 * width - 1]).filter(|d| *d <= max)
}

/// The distance of `a` and `b` if it is 0 or 1 (one insertion, deletion, substitution or
/// swap of neighbours), for lengths that differ by one at most.
fn within_one(a: &[u8], b: &[u8]) -> Option<usize> {
    // The common start and end; what is left between them must be one edit.
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if head == a.len() && head == b.len() {
        return Some(0);
    }
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (a.len() - head - tail, b.len() - head - tail);
    match (ra, rb) {
        (0, 1) | (1, 0) | (1, 1) => Some(1),
        (2, 2) if a[head] == b[head + 1] && a[head + 1] == b[head] => Some(1),
        _ => None,
    }
}

/// How many edits a typed word of this length may carry and still count as the name.
pub fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::{distance, distance_within};

    #[test]
    fn distances() {
        assert_eq!(distance("journalctl", "journalctl"), 0);
        assert_eq!(distance("jounralctl", "journalctl"), 1);
        assert_eq!(distance("systemclt", "systemctl"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("tar", "tra"), 1);
        assert_eq!(distance("ab", "ba"), 1);
    }

    /// The bounded distance agrees with the full one wherever the full one is within bound.
    #[test]
    fn bounded_agrees_with_full() {
        let words = [
            "journalctl",
            "jounralctl",
            "tar",
            "tra",
            "systemctl",
            "systemclt",
            "ab",
            "ba",
            "disk",
            "dsik",
            "full",
            "fuser",
            "df",
            "du",
            "kitten",
            "sitting",
            "",
            "a",
        ];
        for a in words {
            for b in words {
                let d = distance(a, b);
                for max in 0..4 {
                    let want = (d <= max).then_some(d);
                    assert_eq!(distance_within(a, b, max), want, "{a} {b} {max}");
                }
            }
        }
    }
}
