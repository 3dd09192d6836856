//! Every sentence on screen has a Turkish translation under the context Slint looks it
//! up by (the component that holds the `@tr`). Without the right `msgctxt` a string
//! silently stays English while the language switch still reports success.

use std::collections::HashMap;
use std::path::Path;

fn slint_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            slint_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            out.push(path);
        }
    }
}

/// (component, text) of every `@tr("...")`, the component being the nearest
/// `component X` or `global X` declared above it.
fn tr_strings(source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut component = String::new();
    for line in source.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "component" || *w == "global") {
            if let Some(name) = words.get(at + 1) {
                component = name.trim_end_matches('{').to_string();
            }
        }
        let mut rest = line;
        while let Some(start) = rest.find("@tr(\"") {
            let text = &rest[start + 5..];
            let end = text.find('"').expect("a closed string");
            found.push((component.clone(), text[..end].to_string()));
            rest = &text[end..];
        }
    }
    found
}

/// (msgctxt, msgid) -> msgstr of a .po file (a plural's first form: Turkish has one);
/// multi-line strings joined.
fn catalogue(po: &str) -> HashMap<(String, String), String> {
    let mut entries = HashMap::new();
    for block in po.split("\n\n") {
        let (mut ctxt, mut id, mut text) = (String::new(), String::new(), String::new());
        let mut current: Option<&mut String> = None;
        for line in block.lines() {
            let quoted = |l: &str| l.trim().trim_matches('"').replace("\\\"", "\"");
            if let Some(v) = line.strip_prefix("msgctxt ") {
                ctxt = quoted(v);
                current = None;
            } else if let Some(v) = line.strip_prefix("msgid ") {
                id = quoted(v);
                current = Some(&mut id);
            } else if let Some(v) = line.strip_prefix("msgstr ").or_else(|| line.strip_prefix("msgstr[0] ")) {
                text = quoted(v);
                current = Some(&mut text);
            } else if line.starts_with('"') {
                if let Some(target) = current.as_deref_mut() {
                    target.push_str(&quoted(line));
                }
            }
        }
        if !id.is_empty() {
            entries.insert((ctxt, id), text);
        }
    }
    entries
}

#[test]
fn every_screen_string_has_a_turkish_translation_in_its_context() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    slint_files(&root.join("ui"), &mut files);
    let po = std::fs::read_to_string(root.join("lang/tr/LC_MESSAGES/instore-kiosk.po")).unwrap();
    let turkish = catalogue(&po);
    let mut checked = 0;
    let mut missing = Vec::new();
    for file in &files {
        for (component, text) in tr_strings(&std::fs::read_to_string(file).unwrap()) {
            checked += 1;
            match turkish.get(&(component.clone(), text.clone())) {
                Some(t) if !t.is_empty() => {}
                _ => missing.push(format!("{}: {component}: {text:?}", file.display())),
            }
        }
    }
    assert!(checked > 50, "only {checked} strings found; is the scanner broken?");
    assert!(missing.is_empty(), "untranslated:\n{}", missing.join("\n"));
}
