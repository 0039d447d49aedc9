#!/usr/bin/env python3
"""Generates hostile cases for iaclint into the directory given as its argument (each a directory + how to run it)."""
import json, os, shutil, subprocess, stat
import sys
R = sys.argv[1]
shutil.rmtree(R, ignore_errors=True)
os.makedirs(R)
def d(name):
    p = os.path.join(R, name); os.makedirs(p, exist_ok=True); return p
def w(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f: f.write(text)

# 1 injection via logical id and file name
p = d("inject")
payload = "Svc\n::error file=x.tf,line=1::INJECTED\n::add-mask::secret\x1b]0;pwned\x07"
tpl = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {payload: {"Type": "AWS::IAM::Policy",
  "Properties": {"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {"Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}}
w(p + "/t.json", json.dumps(tpl))
w(p + "/a\n::warning::FAKE.tf", 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]})\n}\n')
w(p + "/esc.tf", 'resource "aws_iam_policy" "p\x1b]0;pwn\x07" {\n  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]}) # \x1b[2J \u202e\n}\n')

# 2 OOM join bomb x16
p = d("joinbomb")
for i in range(16):
    t = {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"Big": {"Type": "String", "Default": "A" * 1_000_000}},
         "Resources": {"B": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Join": ["", [{"Ref": "Big"}] * 300]}}}}}
    w(f"{p}/t{i}.json", json.dumps(t))

# 3 YAML merge-key exponential x16
p = d("mergebomb")
lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Mappings:", "  M:"]
lines.append("    a0: &a0 {" + ", ".join(f"k{j}: v" for j in range(10)) + "}")
for i in range(1, 30):
    lines.append(f"    a{i}: &a{i} {{<<: [*a{i-1}, *a{i-1}], x{i}: [*a{i-1}, *a{i-1}]}}")
lines += ["Resources:", "  T:", "    Type: AWS::SNS::Topic"]
doc = "\n".join(lines) + "\n"
for i in range(16): w(f"{p}/t{i}.yaml", doc)

# 4 quadratic wildcard actions
for n in (40_000, 160_000):
    p = d(f"wildcards{n}")
    t = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [f"s3:Get{i}*" for i in range(n)], "Resource": "*"}]}}}}}
    w(p + "/t.json", json.dumps(t))

# 5 orphan ignore comments
for n in (5_000, 50_000):
    p = d(f"orphans{n}")
    w(p + "/main.tf", "".join(f"# iaclint:ignore x -- r\n\n" for _ in range(n)) + 'resource "aws_sns_topic" "t" {}\n')

# 6 ignore files
p = d("gitignore_zero"); w(p + "/main.tf", 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]})\n}\n'); os.symlink("/dev/zero", p + "/.gitignore")
p = d("gitignore_fifo"); w(p + "/main.tf", 'resource "aws_sns_topic" "t" {}\n'); os.mkfifo(p + "/.gitignore")
p = d("ignore_fifo_sub"); w(p + "/sub/main.tf", 'resource "aws_sns_topic" "t" {}\n'); os.mkfifo(p + "/sub/.ignore")
p = d("gitignore_big"); w(p + "/main.tf", 'resource "aws_sns_topic" "t" {}\n'); w(p + "/.gitignore", "".join(f"*a{i}[a-z]*/**/b{i}\n" for i in range(250_000)))

# 7 tracked files hidden by .gitignore
p = d("tracked_hidden")
w(p + "/main.tf", 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]})\n}\n')
subprocess.run(["git", "init", "-q", p], check=True)
subprocess.run(["git", "-C", p, "add", "main.tf"], check=True)
w(p + "/.gitignore", "*.tf\n")

# 8 named non-regular
p = d("named"); os.mkfifo(p + "/x.tf"); os.symlink("/dev/zero", p + "/z.tf"); os.mkfifo(p + "/cfg.toml")

# 9 positions
p = d("positions")
w(p + "/cr.tf", 'resource "aws_iam_policy" "p" {\r  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]})\r}\r')
w(p + "/cr.yaml", "AWSTemplateFormatVersion: '2010-09-09'\rResources:\r  P:\r    Type: AWS::IAM::ManagedPolicy\r    Properties:\r      PolicyDocument:\r        Statement:\r          - Effect: Allow\r            Action: '*'\r            Resource: '*'\r")
w(p + "/bom.tf", '\ufeffresource "aws_iam_policy" "p" { policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]}) }\n')

# 10 trailing garbage
p = d("garbage"); w(p + "/t.json", json.dumps(tpl).replace(payload, "P") + " x")

# 11 100k-deep nesting in every syntax
N = 100_000
p = d("deep"); w(p + "/deep.json", '{"Resources": ' + "[" * N + "]" * N + "}")
w(p + "/deep.yaml", "Resources: " + "[" * N + "]" * N + "\n")
w(p + "/deep.tf", "locals {\n  x = " + "[" * N + "]" * N + "\n}\n")
os.makedirs(p + "/.github/workflows", exist_ok=True)
w(p + "/.github/workflows/deep.yml", "on: push\njobs: " + "{a: " * N + "1" + "}" * N + "\n")
# 12 a 100 MB file
p = d("huge"); w(p + "/big.tf", "# " + "x" * 100_000_000 + "\n")
# 13 invalid UTF-8
p = d("badutf8")
with open(p + "/bad.tf", "wb") as f: f.write(b'resource "aws_sns_topic" "\xff\xfe" {}\n')
with open(p + "/bad.json", "wb") as f: f.write(b'{"Resources": {"\xc3\x28": {"Type": "AWS::SNS::Topic"}}}')
# 14 exponential locals chain
p = d("localsbomb")
w(p + "/main.tf", "locals {\n  l0 = \"xxxxxxxxxxxxxxxx\"\n" + "".join(f"  l{i} = \"${{local.l{i-1}}}${{local.l{i-1}}}\"\n" for i in range(1, 64)) + "}\nresource \"aws_sns_topic\" \"t\" { name = local.l63 }\n")
# 15 Fn::Sub bomb
p = d("subbomb")
subs = {"Resources": {f"T{i}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": ["${A}" * 1000, {"A": {"Fn::Sub": ["${B}" * 1000, {"B": "y" * 10000}]}}]}}} for i in range(20)}}
w(p + "/t.json", json.dumps(subs))
# 16 symlink loop
p = d("symloop"); os.makedirs(p + "/a"); os.symlink("..", p + "/a/up"); os.symlink("loop2", p + "/loop1"); os.symlink("loop1", p + "/loop2")
w(p + "/main.tf", 'resource "aws_sns_topic" "t" {}\n')
# 17 file name with a newline and ESC
p = d("badname"); w(p + "/x\n::error file=x.tf,line=1::INJECTED\x1b]0;pwn\x07.tf", 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement=[{Effect="Allow",Action="*",Resource="*"}]})\n}\n')
# 18 hostile LSP session
def msg(body): b = body.encode(); return b"Content-Length: %d\r\n\r\n" % len(b) + b
s = msg('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}')
s += b"Content-Length: 99999999999999\r\n\r\n"
s += b"Content-Length: abc\r\n\r\n{}"
s += b"X-Nothing: 1\r\n\r\n"
s += msg("not json")
s += msg('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.tf"}}}')
s += msg('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"::not a uri","languageId":"terraform","version":1,"text":"x"}}}')
s += msg('{"jsonrpc":"2.0","id":2,"method":"shutdown"}')
s += msg('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{}}')
s += msg('{"jsonrpc":"2.0","method":"exit"}')
with open(os.path.join(R, "lsp-session.bin"), "wb") as f: f.write(s)
print("ok")
