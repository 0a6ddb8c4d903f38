fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let p = runner::compile_package(std::path::Path::new(&dir)).unwrap();
    let n = p.bytecode.len();
    println!("len {n}");
    for (i, w) in p.bytecode.iter().enumerate().take(400) {
        println!("{i}: {w:?}");
    }
}
