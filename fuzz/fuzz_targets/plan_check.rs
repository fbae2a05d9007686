//! Plan text → `Plan::parse`: any plan text gives a plan or diagnostics,
//! never a panic, a stack overflow or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfop_fuzz::init();
    // Plans are text: the CLI refuses a file that is not UTF-8 before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(diagnostics) = tfop::Plan::parse(text) {
        // Rendering is part of what `tfop check` does with any input.
        let _ = diagnostics.render("fuzz.tfop", text);
    }
});
