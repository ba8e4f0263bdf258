//! Field-level differences between two versions of a visit, for the audit log.
//!
//! Works on the JSON form so it covers every field without a hand-written list. Arrays of items
//! that carry an `id` are matched by id, so an edit to one attendee reads as that attendee's field,
//! not as a new attendee list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// One changed field: `path` like `venue` or `attendees/<id>/name`; `None` means absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub path: String,
    #[serde(default)]
    pub old: Option<Value>,
    #[serde(default)]
    pub new: Option<Value>,
}

/// Every leaf-level difference from `old` to `new`, in a stable order.
pub fn diff_values(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    out
}

/// [`diff_values`] of two JSON objects given as bytes, leaving out the top-level keys in
/// `ignore`. Only the members whose bytes differ are parsed, so a one-field edit of a large
/// visit costs little more than reading its bytes once: this is what keeps a committed field
/// close to the cost of the write itself. Errs when either text is not a JSON object.
pub fn diff_encoded<'a>(
    old: &'a [u8],
    new: &'a [u8],
    ignore: &[&str],
) -> Result<Vec<FieldChange>, serde_json::Error> {
    let as_bytes = |m: BTreeMap<&'a str, &'a RawValue>| -> BTreeMap<&'a str, &'a [u8]> {
        m.into_iter()
            .map(|(k, v)| (k, v.get().as_bytes()))
            .collect()
    };
    diff_members(&as_bytes(members(old)?), &as_bytes(members(new)?), ignore)
}

/// [`diff_values`] of two JSON objects given member by member (name → the member's JSON text),
/// leaving out the members in `ignore`. Members with the same text are not parsed.
pub fn diff_members(
    old: &BTreeMap<&str, &[u8]>,
    new: &BTreeMap<&str, &[u8]>,
    ignore: &[&str],
) -> Result<Vec<FieldChange>, serde_json::Error> {
    let parse = |raw: Option<&&[u8]>| raw.map(|r| serde_json::from_slice(r)).transpose();
    let mut keys: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys.into_iter().filter(|k| !ignore.contains(k)) {
        let (x, y) = (old.get(k), new.get(k));
        if x.is_some() && x == y {
            continue;
        }
        match (parse(x)?, parse(y)?) {
            (Some(x), Some(y)) => walk(k, &x, &y, &mut out),
            (x, y) => out.push(FieldChange {
                path: k.to_string(),
                old: x,
                new: y,
            }),
        }
    }
    Ok(out)
}

/// The members of a JSON object, unparsed. Keys are borrowed: a key with an escape in it makes
/// this fail, and the caller takes the slow path.
fn members(text: &[u8]) -> Result<BTreeMap<&str, &RawValue>, serde_json::Error> {
    serde_json::from_slice(text)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}/{key}")
    }
}

fn walk(path: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = join(path, k);
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => walk(&p, x, y, out),
                    (x, y) => out.push(FieldChange {
                        path: p,
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => match (item_ids(a), item_ids(b)) {
            (Some(ia), Some(ib)) => walk_items(path, a, &ia, b, &ib, out),
            _ => out.push(change(path, old, new)),
        },
        _ => out.push(change(path, old, new)),
    }
}

fn change(path: &str, old: &Value, new: &Value) -> FieldChange {
    FieldChange {
        path: path.to_string(),
        old: Some(old.clone()),
        new: Some(new.clone()),
    }
}

/// The ids of an array of items, if every element is an object with a string `id`.
fn item_ids(items: &[Value]) -> Option<Vec<&str>> {
    items
        .iter()
        .map(|v| v.get("id").and_then(Value::as_str))
        .collect()
}

fn walk_items(
    path: &str,
    a: &[Value],
    ia: &[&str],
    b: &[Value],
    ib: &[&str],
    out: &mut Vec<FieldChange>,
) {
    for (item, id) in a.iter().zip(ia) {
        match ib.iter().position(|x| x == id) {
            Some(j) => walk(&join(path, id), item, &b[j], out),
            None => out.push(FieldChange {
                path: join(path, id),
                old: Some(item.clone()),
                new: None,
            }),
        }
    }
    let mut replayed: Vec<&str> = ia.iter().copied().filter(|id| ib.contains(id)).collect();
    for (item, id) in b.iter().zip(ib) {
        if !ia.contains(id) {
            out.push(FieldChange {
                path: join(path, id),
                old: None,
                new: Some(item.clone()),
            });
            replayed.push(id);
        }
    }
    // Replaying appends new items; say so when the real order differs from that.
    if replayed != ib {
        out.push(FieldChange {
            path: join(path, ORDER),
            old: Some(Value::from(replayed)),
            new: Some(Value::from(ib.to_vec())),
        });
    }
}

const ORDER: &str = "#order";

/// Whether two visit contents are the same once absent and `null` fields are taken as equal:
/// an audit event stores "set to null" and "removed" alike (`None`), and every optional field
/// of the model reads a missing key as `None`, so replay may leave out a key the visit has as
/// `null`.
pub fn same_content(a: &Value, b: &Value) -> bool {
    // Compared in place: imports check every visit this way, and copies of two whole visits
    // without their nulls cost more than the rest of the check.
    fn present(m: &serde_json::Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
        m.iter().filter(|(_, x)| !x.is_null())
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            present(x).count() == present(y).count()
                && present(x).all(|(k, v)| y.get(k).is_some_and(|w| same_content(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_content(v, w))
        }
        _ => a == b,
    }
}

/// Applies `changes` (as made by [`diff_values`]) to `root`. Replaying a visit's audit log from
/// its creation this way must give the stored visit, which is what `pantau check` verifies.
pub fn apply_changes(root: &mut Value, changes: &[FieldChange]) -> Result<(), String> {
    for c in changes {
        apply_one(root, c).map_err(|e| format!("{}: {e}", c.path))?;
    }
    Ok(())
}

fn apply_one(root: &mut Value, c: &FieldChange) -> Result<(), &'static str> {
    if c.path.is_empty() {
        *root = c.new.clone().unwrap_or(Value::Null);
        return Ok(());
    }
    let segments: Vec<&str> = c.path.split('/').collect();
    let (last, parents) = segments.split_last().ok_or("empty path")?;
    let mut cur = root;
    for seg in parents {
        cur = child(cur, seg).ok_or("path not found")?;
    }
    match cur {
        Value::Object(map) => {
            match &c.new {
                Some(v) => map.insert((*last).to_string(), v.clone()),
                None => map.remove(*last),
            };
        }
        Value::Array(items) if *last == ORDER => {
            let order = c
                .new
                .as_ref()
                .and_then(Value::as_array)
                .ok_or("order is not a list")?;
            let mut sorted = Vec::with_capacity(items.len());
            for id in order {
                let pos = items
                    .iter()
                    .position(|v| v.get("id") == Some(id))
                    .ok_or("unknown id")?;
                sorted.push(items.remove(pos));
            }
            sorted.append(items);
            *items = sorted;
        }
        Value::Array(items) => {
            let pos = items
                .iter()
                .position(|v| v.get("id").and_then(Value::as_str) == Some(last));
            match (pos, &c.new) {
                (Some(p), Some(v)) => items[p] = v.clone(),
                (None, Some(v)) => items.push(v.clone()),
                (Some(p), None) => {
                    items.remove(p);
                }
                (None, None) => return Err("item not found"),
            }
        }
        _ => return Err("not a container"),
    }
    Ok(())
}

fn child<'a>(v: &'a mut Value, seg: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(map) => map.get_mut(seg),
        Value::Array(items) => items
            .iter_mut()
            .find(|x| x.get("id").and_then(Value::as_str) == Some(seg)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_of_bytes_is_the_diff_of_values_without_the_ignored_keys() {
        let a = json!({"revision": 1, "venue": "Aula", "notes": [{"id": "n", "text": "a"}],
                       "gone": true, "same": {"x": [1, 2]}});
        let b = json!({"revision": 2, "venue": "Aula Kantor", "notes": [{"id": "n", "text": "b"}],
                       "added": null, "same": {"x": [1, 2]}});
        let bytes = |v: &Value| serde_json::to_vec(v).unwrap();
        let got = diff_encoded(&bytes(&a), &bytes(&b), &["revision"]).unwrap();
        let strip = |v: &Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("revision");
            v
        };
        assert_eq!(got, diff_values(&strip(&a), &strip(&b)));
        let paths: Vec<_> = got.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["added", "gone", "notes/n/text", "venue"]);
        assert!(
            diff_encoded(&bytes(&a), &bytes(&a), &[])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn diff_of_bytes_refuses_what_is_not_an_object() {
        assert!(diff_encoded(b"[1]", b"{}", &[]).is_err());
        assert!(diff_encoded(b"{}", b"{\"a\":", &[]).is_err());
    }

    #[test]
    fn equal_values_have_no_changes() {
        let v = json!({"a": 1, "b": [1, 2]});
        assert!(diff_values(&v, &v).is_empty());
    }

    #[test]
    fn scalar_and_nested_fields_are_reported_by_path() {
        let a = json!({"venue": "Aula", "district": {"code": "12.06", "name": "Karo"}});
        let b = json!({"venue": "Aula Kantor Bupati", "district": {"code": "12.06", "name": "Kabupaten Karo"}});
        let d = diff_values(&a, &b);
        let paths: Vec<_> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["district/name", "venue"]);
        assert_eq!(d[1].old, Some(json!("Aula")));
        assert_eq!(d[1].new, Some(json!("Aula Kantor Bupati")));
    }

    #[test]
    fn items_are_matched_by_id() {
        let a = json!({"attendees": [{"id": "x", "name": "Cory"}, {"id": "y", "name": "Theo"}]});
        let b = json!({"attendees": [{"id": "x", "name": "Cory S. Sebayang"}, {"id": "z", "name": "Aang"}]});
        let d = diff_values(&a, &b);
        let paths: Vec<_> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["attendees/x/name", "attendees/y", "attendees/z"]);
        assert_eq!(d[1].new, None);
        assert_eq!(d[2].old, None);
    }

    #[test]
    fn reordering_items_is_one_change() {
        let a = json!({"l": [{"id": "x"}, {"id": "y"}]});
        let b = json!({"l": [{"id": "y"}, {"id": "x"}]});
        let d = diff_values(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "l/#order");
        assert_eq!(d[0].new, Some(json!(["y", "x"])));
    }

    #[test]
    fn an_item_added_in_the_middle_replays_in_place() {
        let a = json!({"l": [{"id": "x"}, {"id": "y"}]});
        let b = json!({"l": [{"id": "x"}, {"id": "n", "v": 1}, {"id": "y"}]});
        let d = diff_values(&a, &b);
        let mut replay = a.clone();
        apply_changes(&mut replay, &d).unwrap();
        assert_eq!(replay, b);
    }

    #[test]
    fn a_field_set_to_null_replays_through_a_stored_event() {
        let a = json!({"start": "2022-03-17", "venue": "Aula"});
        let b = json!({"start": null, "venue": "Aula"});
        // As stored: the event goes through JSON, where `new: null` reads back as `None`.
        let stored: Vec<FieldChange> =
            serde_json::from_str(&serde_json::to_string(&diff_values(&a, &b)).unwrap()).unwrap();
        let mut replay = a.clone();
        apply_changes(&mut replay, &stored).unwrap();
        assert!(same_content(&replay, &b), "{replay}");
        assert!(!same_content(&replay, &a));
    }

    #[test]
    fn apply_reports_a_path_that_does_not_exist() {
        let bad = FieldChange {
            path: "x/y/z".into(),
            old: None,
            new: Some(json!(1)),
        };
        assert!(
            apply_changes(&mut json!({}), &[bad])
                .unwrap_err()
                .starts_with("x/y/z")
        );
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn item() -> impl Strategy<Value = Value> {
            ("[a-e]", 0..3i32, proptest::option::of("[a-z]{0,3}"))
                .prop_map(|(id, n, s)| json!({"id": id, "n": n, "s": s}))
        }

        fn items() -> impl Strategy<Value = Value> {
            proptest::collection::vec(item(), 0..5).prop_map(|mut v| {
                let mut seen = std::collections::HashSet::new();
                v.retain(|x| seen.insert(x["id"].as_str().unwrap().to_string()));
                Value::from(v)
            })
        }

        fn doc() -> impl Strategy<Value = Value> {
            (
                items(),
                "[a-z]{0,4}",
                proptest::collection::vec(0..9i32, 0..3),
                any::<bool>(),
            )
                .prop_map(|(l, t, plain, flag)| {
                    let mut m = json!({"l": l, "t": t, "plain": plain});
                    if flag {
                        m["extra"] = json!({"deep": t});
                    }
                    m
                })
        }

        proptest! {
            #[test]
            fn applying_the_diff_gives_the_new_value(a in doc(), b in doc()) {
                let mut replay = a.clone();
                apply_changes(&mut replay, &diff_values(&a, &b)).unwrap();
                prop_assert_eq!(replay, b);
            }
        }
    }

    #[test]
    fn plain_arrays_change_as_a_whole() {
        let d = diff_values(
            &json!({"team": ["KSP"]}),
            &json!({"team": ["KSP", "Setkab"]}),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "team");
    }
}
