//! The one client the stand-in's tests talk to it with, over real HTTP as the app does:
//! requests with the token, replies read as JSON, files with their content type, and the
//! admin endpoints. Used by `tests/imagineapi.rs`, `tests/aiclient.rs` and the crate's own
//! `imagineapi/http_tests.rs` (which includes this file by its path).

// Each test file uses a part of it.
#![allow(dead_code)]

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

/// A client of one stand-in: its address and the token it accepts.
pub struct Client {
    http: reqwest::Client,
    base: String,
    /// Where the stand-in's own endpoints are: the address without its path.
    root: String,
    token: String,
}

impl Client {
    pub fn new(base_url: &str, token: &str) -> Self {
        let origin = reqwest::Url::parse(base_url).unwrap().origin();
        Client {
            http: http(),
            base: base_url.into(),
            root: origin.ascii_serialization(),
            token: token.into(),
        }
    }

    /// A request to `path` under the address, with the token and asking for JSON (without
    /// it, Laravel takes the caller for a browser and redirects it to a login page).
    pub fn api(&self, method: Method, path: &str) -> RequestBuilder {
        self.open(method, path)
            .header("accept", "application/json")
            .bearer_auth(&self.token)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.api(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.api(Method::POST, path)
    }

    /// A request to `path` under the address without the token, as a browser or a test's
    /// admin call makes it.
    pub fn open(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// A request to the stand-in's own endpoints (`/__standin/...`), beside the API.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}/__standin{path}", self.root))
    }

    /// The stand-in's own counters.
    pub async fn stats(&self) -> Value {
        let reply = self.admin(Method::GET, "/stats").send().await;
        reply.unwrap().json().await.unwrap()
    }

    /// Scripts a fault over HTTP, as an end-to-end test does; the status it was answered with.
    pub async fn script_fault(&self, fault: &Value) -> StatusCode {
        let reply = self.admin(Method::POST, "/faults").json(fault).send().await;
        reply.unwrap().status()
    }
}

/// A client of its own for each test: a pooled connection must not outlive the test's runtime.
pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Sends the request; the reply's status and its body as JSON.
pub async fn reply(request: RequestBuilder) -> (StatusCode, Value) {
    let reply = request.send().await.unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap())
}

/// The file at `url`, fetched as an image is: status, content type and bytes.
pub async fn download(url: &str) -> (StatusCode, String, Vec<u8>) {
    let reply = http().get(url).send().await.unwrap();
    let kind = reply.headers()["content-type"].to_str().unwrap().to_owned();
    (reply.status(), kind, reply.bytes().await.unwrap().to_vec())
}

/// A JSON object's keys, sorted.
pub fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}
