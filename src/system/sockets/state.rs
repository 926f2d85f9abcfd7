//! Socket states: the kernel's TCP state numbers, the names `ss` gives them, and the
//! `--state` spellings `ss` accepts (`established`, `syn-rcv`, `connected`, `bucket`, …).

use serde::{Serialize, Serializer};

/// A socket state, numbered as the kernel numbers TCP states (include/net/tcp_states.h).
/// UDP and UNIX sockets reuse them: `established` when connected, `unconn` when not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    /// TCP_CLOSE: what `ss` prints as UNCONN (a bound UDP socket, an unconnected UNIX one).
    Unconn = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
}

/// Every state, in the kernel's order.
pub const ALL: [State; 11] = [
    State::Established,
    State::SynSent,
    State::SynRecv,
    State::FinWait1,
    State::FinWait2,
    State::TimeWait,
    State::Unconn,
    State::CloseWait,
    State::LastAck,
    State::Listen,
    State::Closing,
];

impl State {
    /// The kernel's state number; unknown numbers are `None`. 12 (TCP_NEW_SYN_RECV, a
    /// request socket) is shown as syn-recv, as `ss` does.
    pub fn from_kernel(n: u8) -> Option<State> {
        match n {
            12 => Some(State::SynRecv),
            n => ALL.iter().copied().find(|s| *s as u8 == n),
        }
    }

    /// The name in JSON and tables: `ss`'s state names, lower case and unabbreviated.
    pub fn name(self) -> &'static str {
        match self {
            State::Established => "established",
            State::SynSent => "syn-sent",
            State::SynRecv => "syn-recv",
            State::FinWait1 => "fin-wait-1",
            State::FinWait2 => "fin-wait-2",
            State::TimeWait => "time-wait",
            State::Unconn => "unconn",
            State::CloseWait => "close-wait",
            State::LastAck => "last-ack",
            State::Listen => "listen",
            State::Closing => "closing",
        }
    }

    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The names `Serialize` writes, so an MCP output schema lists exactly those.
impl schemars::JsonSchema for State {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SocketState".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = ALL.iter().map(|s| s.name()).collect();
        schemars::json_schema!({"type": "string", "enum": names})
    }
}

/// A set of states as the kernel's sock_diag requests take them: bit N is state N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSet(pub u32);

impl StateSet {
    pub const ALL: StateSet = StateSet(0xfff << 1);

    pub fn of(states: &[State]) -> StateSet {
        StateSet(states.iter().fold(0, |m, s| m | s.bit()))
    }

    pub fn contains(self, s: State) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn union(self, other: StateSet) -> StateSet {
        StateSet(self.0 | other.0)
    }

    /// The mask to send to the kernel: syn-recv also asks for request sockets
    /// (TCP_NEW_SYN_RECV, 12), as the kernel itself does for `ss`.
    pub fn kernel_mask(self) -> u32 {
        if self.contains(State::SynRecv) {
            self.0 | 1 << 12
        } else {
            self.0
        }
    }
}

/// Parses a `--state` value: one name or several separated by commas, in any of the
/// spellings `ss` accepts (its filter names, its column names, and its groups).
pub fn parse_states(text: &str) -> Result<StateSet, String> {
    let mut set = StateSet(0);
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        set = set.union(parse_one(word).ok_or_else(|| {
            format!(
                "unknown state '{word}' (known: {}, and the groups all, connected, synchronized, bucket, big)",
                ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
            )
        })?);
    }
    if set.0 == 0 {
        return Err("no state given".into());
    }
    Ok(set)
}

fn parse_one(word: &str) -> Option<StateSet> {
    use State::*;
    let w = word.to_ascii_lowercase().replace('_', "-");
    let not = |states: &[State]| StateSet(StateSet::ALL.0 & !StateSet::of(states).0);
    let one = |s: State| Some(StateSet::of(&[s]));
    match w.as_str() {
        "established" | "estab" => one(Established),
        "syn-sent" => one(SynSent),
        "syn-recv" | "syn-rcv" => one(SynRecv),
        "fin-wait-1" | "fin-wait1" => one(FinWait1),
        "fin-wait-2" | "fin-wait2" => one(FinWait2),
        "time-wait" | "timewait" => one(TimeWait),
        "unconn" | "unconnected" | "close" | "closed" => one(Unconn),
        "close-wait" => one(CloseWait),
        "last-ack" => one(LastAck),
        "listen" | "listening" => one(Listen),
        "closing" => one(Closing),
        "all" => Some(StateSet::ALL),
        "connected" => Some(not(&[Unconn, Listen])),
        "synchronized" => Some(not(&[Unconn, Listen, SynSent])),
        "bucket" => Some(StateSet::of(&[SynRecv, TimeWait])),
        "big" => Some(not(&[SynRecv, TimeWait])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ss_spellings_parse() {
        for (text, want) in [
            ("established", vec![State::Established]),
            ("ESTAB", vec![State::Established]),
            ("time_wait", vec![State::TimeWait]),
            ("syn-rcv", vec![State::SynRecv]),
            ("listening", vec![State::Listen]),
            ("closed", vec![State::Unconn]),
            (
                "established,close-wait",
                vec![State::Established, State::CloseWait],
            ),
            ("bucket", vec![State::SynRecv, State::TimeWait]),
        ] {
            assert_eq!(parse_states(text).unwrap(), StateSet::of(&want), "{text}");
        }
        let connected = parse_states("connected").unwrap();
        assert!(connected.contains(State::Established));
        assert!(!connected.contains(State::Listen));
        assert!(!connected.contains(State::Unconn));
    }

    #[test]
    fn unknown_states_are_refused_with_the_list() {
        let e = parse_states("establishd").unwrap_err();
        assert!(e.contains("establishd") && e.contains("time-wait"), "{e}");
        assert!(parse_states(",").is_err());
    }

    #[test]
    fn kernel_numbers_map_both_ways() {
        for s in ALL {
            assert_eq!(State::from_kernel(s as u8), Some(s));
        }
        assert_eq!(State::from_kernel(12), Some(State::SynRecv));
        assert_eq!(State::from_kernel(0), None);
        assert_eq!(
            StateSet::of(&[State::SynRecv]).kernel_mask(),
            1 << 3 | 1 << 12
        );
    }
}
