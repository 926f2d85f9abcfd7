//! The /proc and kernel-log parsers take untrusted text: random and mangled input must never
//! panic. A small deterministic generator (no extra crate) mutates real samples.

use oncall::system::{disks, kernel_log, pressure, processes, users::UserNames};

const SAMPLES: &[&str] = &[
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n41 27 0:50 / /mnt/with\\040space ro - nfs server:/export rw\n",
    "some avg10=1.50 avg60=0.20 avg300=0.00 total=12\nfull avg10=0.10 avg60=0.00 avg300=0.00 total=3\n",
    "3,1234,5000000,-;Out of memory: Killed process 4242 (java) total-vm:100kB\n",
    "0::/system.slice/docker-4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0.scope\n",
    "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n",
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn mutate(rng: &mut XorShift, sample: &[u8]) -> Vec<u8> {
    let mut out = sample.to_vec();
    for _ in 0..(rng.next() % 8) {
        if out.is_empty() {
            out.push(b'\\');
        }
        let at = (rng.next() as usize) % out.len();
        match rng.next() % 4 {
            0 => out[at] = (rng.next() % 256) as u8,
            1 => {
                out.remove(at);
            }
            2 => {
                let pool = b"\\ ;:()-=\n\xff0";
                out.insert(at, pool[(rng.next() as usize) % pool.len()]);
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn feed(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = disks::parse_mountinfo(&text);
    let _ = pressure::parse(&text);
    let _ = kernel_log::parse_record(&text, 1_700_000_000);
    let _ = processes::cgroup_path(bytes);
    let _ = processes::container_id(&text);
    let _ = processes::cmdline_text(bytes);
    let u = UserNames::parse(&text);
    let _ = u.uid("root");
}

#[test]
fn mangled_samples_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let sample = SAMPLES[(rng.next() as usize) % SAMPLES.len()];
        feed(&mutate(&mut rng, sample.as_bytes()));
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(42);
    for _ in 0..5_000 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
        feed(&bytes);
    }
}
