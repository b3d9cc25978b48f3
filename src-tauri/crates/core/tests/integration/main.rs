//! Every integration test of the core in one binary, on one harness: real stand-in servers
//! over real HTTP (and TLS), a real SQLite file, real files and the real system trash (a
//! private one). One binary links once and shares the harness; each module is one subject.

mod harness;

mod accounts;
mod actions;
mod aiclient;
mod engine;
mod enhance;
mod export;
mod faults;
mod imagineapi;
mod import;
mod library;
mod mjplus;
mod references;
mod tls;
