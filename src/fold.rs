//! Matching a product's name against what a person types, the Turkish way: case is
//! folded as Turkish folds it (`I` is the capital of `ı`, `İ` of `i`), so "İPEK" and
//! "ipek" find "İpek Eşarp" while "IŞIK" finds "ışık", never "işik". Other letters keep
//! their marks: `ş` is not `s` (people type the letter they see on the tag).
//!
//! Hand-written rather than a crate: Rust's `to_lowercase` is the locale-free Unicode
//! mapping (it turns `I` into `i` and `İ` into `i` plus a combining dot), and the
//! two Turkish exceptions are all a name search needs; ICU would add megabytes for them.
//!
//! Not here: who searches (the simulator's `/list/`, the catalog copy's `search`).

/// `text` lower-cased as Turkish lower-cases it.
pub fn turkish_lower(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'I' => folded.push('ı'),
            'İ' => folded.push('i'),
            // A decomposed `İ` (`I` + U+0307) is `i`: the dot is the difference.
            '\u{307}' if folded.ends_with('ı') => {
                folded.pop();
                folded.push('i');
            }
            c => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// Whether a product called `name` (or coded `code`) is what `query` asks for: every
/// word of the query is found in the name, in any order ("kazak lacivert" finds
/// "Örgü Kazak Lacivert"), or the query is the product's code. An empty query asks for
/// nothing.
pub fn matches(query: &str, name: &str, codes: &[&str]) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return false;
    }
    if codes.iter().any(|code| code.trim().eq_ignore_ascii_case(query)) {
        return true;
    }
    let name = turkish_lower(name);
    turkish_lower(query).split_whitespace().all(|word| name.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_dotless_i_fold_as_turkish_does() {
        assert_eq!(turkish_lower("İPEK EŞARP"), "ipek eşarp");
        assert_eq!(turkish_lower("IŞIK"), "ışık");
        assert_eq!(turkish_lower("I\u{307}pek"), "ipek");
        assert!(matches("İPEK", "İpek Eşarp Desenli", &[]));
        assert!(matches("ipek", "İpek Eşarp Desenli", &[]));
        assert!(!matches("IPEK", "İpek Eşarp Desenli", &[]), "I is the capital of ı");
        assert!(matches("YÜN", "Yün Eldiven Bordo", &[]));
        assert!(matches("şapka", "Şapka Haki", &[]));
        assert!(!matches("sapka", "Şapka Haki", &[]), "ş is not s");
    }

    #[test]
    fn every_word_counts_in_any_order_and_a_code_is_exact() {
        assert!(matches("kazak lacivert", "Örgü Kazak Lacivert", &[]));
        assert!(matches("lacivert  kazak ", "Örgü Kazak Lacivert", &[]));
        assert!(!matches("kazak siyah", "Örgü Kazak Lacivert", &[]));
        assert!(matches("swt-020", "Örgü Kazak Lacivert", &["SWT-020", "8690000010042"]));
        assert!(!matches("swt", "Örgü Kazak Lacivert", &["SWT-020"]));
        assert!(!matches("  ", "Örgü Kazak Lacivert", &[]));
    }
}
