#if canImport(Glibc)
    import Glibc
#endif

/// Returns freed heap pages to the system between the phases of a run.
///
/// glibc keeps freed memory mapped for reuse; after the manifest is parsed
/// (a 10,000-client parse tree is several MB), the pages it leaves would
/// otherwise stay counted in the resident size for the rest of the run.
/// `malloc_trim` is looked up at run time: Glibc's Swift module does not
/// export `<malloc.h>`, and another C library (musl) may not have it.
enum ReleaseFreeMemory {
    private typealias Trim = @convention(c) (Int) -> Int32

    static func now() {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
