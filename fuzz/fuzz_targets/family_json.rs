//! One JSON line → `tfop::io::family_from_json` against the national phase 2 plan's
//! vocabulary: a family or its errors, never a panic. A family that reads
//! must also write back (`family_to_value`) and read again to the same family.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfop::io::{family_from_json, family_from_value, family_to_value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let vocab = tfop_fuzz::national_phase2().vocabulary();
    match family_from_json(text, vocab) {
        Ok(family) => {
            let written = family_to_value(&family, vocab);
            match family_from_value(&written, vocab) {
                Ok(again) => assert_eq!(again, family, "writing and reading changed the family"),
                Err(error) => panic!("a family's own JSON does not read back: {error:?}"),
            }
        }
        Err(error) => {
            // What `tfop eval` does with a refused family.
            let _ = tfop::Refusal::from_error(&error);
            for problem in &error.problems {
                let _ = problem.kind.to_string();
            }
        }
    }
});
