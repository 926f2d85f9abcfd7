//! User names by uid, from `/etc/passwd` (what `ps` shows for local users; no NSS lookups,
//! so directory-service users show as their uid).

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct UserNames {
    by_uid: HashMap<u32, String>,
}

impl UserNames {
    /// Reads `/etc/passwd`; an unreadable file gives an empty table (uids are shown instead).
    pub fn load() -> UserNames {
        std::fs::read_to_string("/etc/passwd")
            .map(|text| UserNames::parse(&text))
            .unwrap_or_default()
    }

    pub fn parse(passwd: &str) -> UserNames {
        let mut by_uid = HashMap::new();
        for line in passwd.lines() {
            let mut fields = line.split(':');
            let (Some(name), Some(_), Some(uid)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if let Ok(uid) = uid.parse::<u32>() {
                // The first entry wins, as getpwuid does.
                by_uid.entry(uid).or_insert_with(|| name.to_string());
            }
        }
        UserNames { by_uid }
    }

    /// The user's name, or the uid as text when it has no name.
    pub fn name(&self, uid: u32) -> String {
        self.by_uid
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| uid.to_string())
    }

    /// The uid of a name; a number is taken as a uid.
    pub fn uid(&self, name_or_uid: &str) -> Option<u32> {
        if let Ok(uid) = name_or_uid.parse() {
            return Some(uid);
        }
        self.by_uid
            .iter()
            .find(|(_, n)| n.as_str() == name_or_uid)
            .map(|(uid, _)| *uid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uids() {
        let u = UserNames::parse("root:x:0:0:root:/root:/bin/bash\nbroken\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n");
        assert_eq!(u.name(0), "root");
        assert_eq!(u.name(33), "www-data");
        assert_eq!(u.name(1234), "1234");
        assert_eq!(u.uid("www-data"), Some(33));
        assert_eq!(u.uid("1234"), Some(1234));
        assert_eq!(u.uid("nobody-here"), None);
    }
}
