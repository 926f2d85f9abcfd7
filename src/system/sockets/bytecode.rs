//! The kernel-side filter program of inet_diag (INET_DIAG_REQ_BYTECODE), so that
//! `--port` is applied by the kernel, as `ss '( sport = :P or dport = :P )'` does.
//!
//! A program is a list of ops `{code: u8, yes: u8, no: u16}`; `yes`/`no` are byte offsets
//! to jump forward by. Landing exactly on the end accepts the socket; jumping past it
//! (by 4, the most the kernel's audit allows) rejects it. Port comparisons take a second
//! op whose `no` field holds the port (host byte order). The kernel's audit walks the
//! program by `yes` offsets and insists every `no` target lies on that walk, hence the
//! layout `ss` uses for an OR: `A; JMP over B; B`.

const INET_DIAG_BC_JMP: u8 = 1;
const INET_DIAG_BC_S_EQ: u8 = 11;
const INET_DIAG_BC_D_EQ: u8 = 12;

fn op(out: &mut Vec<u8>, code: u8, yes: u8, no: u16) {
    out.push(code);
    out.push(yes);
    out.extend_from_slice(&no.to_ne_bytes());
}

/// `sport == port || dport == port`.
pub fn local_or_remote_port(port: u16) -> Vec<u8> {
    let mut p = Vec::with_capacity(20);
    // 0: source port equal → on to the JMP at 8; else to the test at 12.
    op(&mut p, INET_DIAG_BC_S_EQ, 8, 12);
    op(&mut p, 0, 0, port);
    // 8: the source port matched: jump (always takes `no`) from 8 to 20, the end: accept.
    op(&mut p, INET_DIAG_BC_JMP, 4, 12);
    // 12: destination port equal → 20, the end: accept; else 24, past it: reject.
    op(&mut p, INET_DIAG_BC_D_EQ, 8, 12);
    op(&mut p, 0, 0, port);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(bc: &[u8], i: usize) -> (u8, usize, usize) {
        (
            bc[i],
            bc[i + 1] as usize,
            u16::from_ne_bytes([bc[i + 2], bc[i + 3]]) as usize,
        )
    }

    /// The kernel's interpreter (inet_diag_bc_run) for the ops we emit.
    fn run(bc: &[u8], sport: u16, dport: u16) -> bool {
        let (mut i, mut len) = (0usize, bc.len() as isize);
        while len > 0 {
            let (code, yes, no) = at(bc, i);
            let port = u16::from_ne_bytes([bc[i + 6], bc[i + 7]]);
            let ok = match code {
                INET_DIAG_BC_JMP => false,
                INET_DIAG_BC_S_EQ => sport == port,
                INET_DIAG_BC_D_EQ => dport == port,
                _ => unreachable!(),
            };
            let step = if ok { yes } else { no };
            i += step;
            len -= step as isize;
        }
        len == 0
    }

    /// The kernel's audit (inet_diag_bc_audit with valid_cc): a program it refuses makes
    /// the whole dump fail with EINVAL.
    fn audit(bc: &[u8]) -> bool {
        let valid_cc = |cc: isize| {
            let (mut i, mut len) = (0usize, bc.len() as isize);
            while len >= 0 {
                if cc > len {
                    return false;
                }
                if cc == len {
                    return true;
                }
                let yes = bc[i + 1] as isize;
                if yes < 4 || yes & 3 != 0 {
                    return false;
                }
                len -= yes;
                i += yes as usize;
            }
            false
        };
        let (mut i, mut len) = (0usize, bc.len() as isize);
        while len > 0 {
            let (code, yes, no) = at(bc, i);
            let min = if code == INET_DIAG_BC_JMP { 4 } else { 8 };
            let (yes, no) = (yes as isize, no as isize);
            if no < min || no > len + 4 || no & 3 != 0 {
                return false;
            }
            if no < len && !valid_cc(len - no) {
                return false;
            }
            if yes < min || yes > len + 4 || yes & 3 != 0 {
                return false;
            }
            i += yes as usize;
            len -= yes;
        }
        true
    }

    #[test]
    fn port_program_passes_the_kernels_audit() {
        assert!(audit(&local_or_remote_port(8080)));
    }

    #[test]
    fn port_program_accepts_either_end() {
        let bc = local_or_remote_port(8080);
        assert!(run(&bc, 8080, 1));
        assert!(run(&bc, 1, 8080));
        assert!(run(&bc, 8080, 8080));
        assert!(!run(&bc, 1, 2));
    }
}
