// tokensmith-fuzz: libFuzzer supplies `main`; the harness entry points
// (LLVMFuzzerInitialize, LLVMFuzzerTestOneInput) are in the Swift module
// FuzzEntry. This file only makes the executable target.
int tokensmith_fuzz_driver;
