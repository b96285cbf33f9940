//! Test support: the emulator as a child process, its control endpoints,
//! and the ecs-debug binary pointed at it with fake credentials.

#![allow(dead_code)]

pub mod tmux;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    match std::env::var_os("ECS_DEBUG_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join(".venv/bin/python"),
    }
}

/// A running emulator, stopped when dropped (and, through its stdin, when
/// the test process dies).
pub struct Emulator {
    child: Child,
    _stdin: ChildStdin,
    pub endpoint: String,
    pub port: u16,
}

impl Emulator {
    pub fn start(scenario: &str) -> Self {
        let python = python();
        assert!(
            python.exists(),
            "{} is missing: run `make test` (it creates the emulator's virtual environment)",
            python.display()
        );
        let mut child = Command::new(&python)
            .arg(repo_root().join("tests/emulator/launcher.py"))
            .args(["--scenario", scenario, "--exit-on-stdin-eof"])
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the emulator");
        let stdout = child.stdout.take().expect("emulator stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if !line.trim().is_empty() => line,
            other => {
                let _ = child.kill();
                panic!("the emulator did not become ready: {other:?}");
            }
        };
        let ready: Value = serde_json::from_str(&line).expect("ready line is JSON");
        let stdin = child.stdin.take().expect("emulator stdin");
        Self {
            endpoint: ready["endpoint"].as_str().expect("endpoint").to_string(),
            port: ready["port"].as_u64().expect("port") as u16,
            child,
            _stdin: stdin,
        }
    }

    fn http(&self, method: &str, path: &str, body: &str) -> String {
        self.http_with(method, path, body, &[])
    }

    /// Calls an ECS API action directly, as another tool would. The
    /// emulator routes by the credential scope and does not check the
    /// signature, so a placeholder one is enough.
    pub fn ecs_call(&self, action: &str, body: Value) -> String {
        let target = format!("X-Amz-Target: AmazonEC2ContainerServiceV20141113.{action}");
        let auth = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/\
                    aws4_request, SignedHeaders=host, Signature=00";
        let json = "Content-Type: application/x-amz-json-1.1";
        self.http_with("POST", "/", &body.to_string(), &[&target, auth, json])
    }

    /// Calls S3 directly (path-style), as another tool would.
    pub fn s3_call(&self, method: &str, path: &str) -> String {
        let auth = "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/\
                    aws4_request, SignedHeaders=host, Signature=00";
        self.http_with(
            method,
            path,
            "",
            &[auth, "x-amz-content-sha256: UNSIGNED-PAYLOAD"],
        )
    }

    fn http_with(&self, method: &str, path: &str, body: &str, headers: &[&str]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let mut extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
        if !headers.iter().any(|h| h.starts_with("Content-Type:")) {
            extra.push_str("Content-Type: application/json\r\n");
        }
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{extra}Content-Length: {}\r\n\r\n\
             {body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(
            head.contains(" 200 ") || head.contains(" 204 "),
            "{method} {path}: {head}"
        );
        body.to_string()
    }

    /// Every AWS request the emulator saw, in order.
    pub fn requests(&self) -> Vec<Value> {
        serde_json::from_str(&self.http("GET", "/_emulator/requests", "")).expect("log JSON")
    }

    pub fn clear_requests(&self) {
        self.http("POST", "/_emulator/requests/clear", "{}");
    }

    /// Makes the next `count` calls of `action` fail with `error`.
    pub fn inject_fault(&self, action: &str, error: &str, count: u32) {
        let body = serde_json::json!({"action": action, "error": error, "status": 400,
            "count": count});
        self.http("POST", "/_emulator/faults", &body.to_string());
    }

    /// Delays every matching call (`*` for all) by `ms` milliseconds.
    pub fn set_latency(&self, action: &str, ms: u64) {
        let body = serde_json::json!({"action": action, "ms": ms});
        self.http("POST", "/_emulator/latency", &body.to_string());
    }

    /// The account as the emulator sees it (services, task definitions,
    /// target groups, listeners, rules, scaling, buckets).
    pub fn dump(&self) -> Value {
        serde_json::from_str(&self.http("GET", "/_emulator/dump", "")).expect("dump JSON")
    }

    /// POSTs a JSON body to a control endpoint.
    pub fn control(&self, path: &str, body: Value) {
        self.http("POST", path, &body.to_string());
    }

    /// The `(action, params)` of every logged request of `action`.
    pub fn calls(&self, action: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["action"] == action)
            .map(|r| r["params"].clone())
            .collect()
    }
}

impl Emulator {
    /// The account minus what disable leaves on purpose: the state bucket
    /// and INACTIVE revisions of debug task definitions.
    pub fn state(&self) -> Value {
        let mut d = self.dump();
        if let Some(o) = d.as_object_mut() {
            o.remove("s3");
        }
        if let Some(tds) = d["ecs"]["taskDefinitions"].as_array_mut() {
            tds.retain(|t| {
                !(t["family"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("cloud-debug-")
                    && t["status"] == "INACTIVE")
            });
        }
        d
    }

    /// Writes (not reads) seen since the request log was cleared.
    pub fn writes(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter_map(|r| r["iam_action"].as_str().map(str::to_string))
            .filter(|a| {
                let op = a.split(':').nth(1).unwrap_or("");
                !["Describe", "List", "Get", "Simulate"]
                    .iter()
                    .any(|p| op.starts_with(p))
                    && a != "s3:ListBucket"
            })
            .collect()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch home so no user configuration, credential or log is touched.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Environment that isolates the binary: fake credentials, no metadata
    /// service, home and XDG directories inside the sandbox.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.path().display().to_string();
        vec![
            ("HOME".into(), home.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{home}/config")),
            ("XDG_STATE_HOME".into(), format!("{home}/state")),
            ("XDG_DATA_HOME".into(), format!("{home}/data")),
            ("AWS_ACCESS_KEY_ID".into(), "test".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "test".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("AWS_CONFIG_FILE".into(), format!("{home}/aws-config")),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                format!("{home}/aws-credentials"),
            ),
            ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
        ]
    }

    /// The ecs-debug binary with the sandbox's environment.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecs-debug"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env());
        cmd
    }
}

/// Output of a finished command.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut cmd: Command) -> Outcome {
    let out = cmd.output().expect("run ecs-debug");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
