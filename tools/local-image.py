#!/usr/bin/env python3
"""Writes a container image as a `docker save` tarball (one layer), without a Docker engine or a registry.

    tools/local-image.py OUT.tar --tag NAME:TAG [--add SRC:DEST]... [--ldd] [--dir DEST[:MODE]]...
                         [--entrypoint JSON] [--cmd JSON] [--user UID:GID] [--env K=V]... [--workdir DIR]

--add copies a file or a directory tree from this machine (symbolic links inside a tree are kept when they stay in
it, otherwise replaced by what they point at); --ldd adds, for every ELF file added, the shared libraries `ldd`
lists, at their own paths. The layer is deterministic: sorted entries, mtime 0, owner root (files stay readable by
any user, as in a distroless image). `ctr -n k8s.io images import OUT.tar` loads it; Jib takes it as a base image
with `tar://OUT.tar`.
"""
import argparse
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--tag", required=True)
    p.add_argument("--add", action="append", default=[], metavar="SRC:DEST")
    p.add_argument("--dir", action="append", default=[], metavar="DEST[:MODE]", help="an empty directory")
    p.add_argument("--file", action="append", default=[], metavar="DEST=TEXT", help="a file with this text")
    p.add_argument("--symlink", action="append", default=[], metavar="DEST=TARGET")
    p.add_argument("--ldd", action="store_true")
    p.add_argument("--entrypoint")
    p.add_argument("--cmd")
    p.add_argument("--user")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir")
    return p.parse_args()


class Layer:
    def __init__(self):
        self.entries = {}  # path in the image (no leading /) -> (kind, data)

    def add_parents(self, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            self.entries.setdefault(d, ("dir", 0o755))

    def put(self, path, kind, data):
        path = path.strip("/")
        if not path:
            return
        self.add_parents(path)
        self.entries[path] = (kind, data)

    def add_host(self, src, dest):
        src = os.path.abspath(src)
        if os.path.isdir(src) and not os.path.islink(src):
            self.put(dest, "dir", 0o755)
            for root, dirs, files in os.walk(src, followlinks=False):
                rel = os.path.relpath(root, src)
                base = dest if rel == "." else dest.rstrip("/") + "/" + rel
                for name in sorted(dirs + files):
                    self.add_one(os.path.join(root, name), base.rstrip("/") + "/" + name, src)
        else:
            self.add_one(src, dest, None)

    def add_one(self, host, dest, tree):
        if os.path.islink(host):
            target = os.readlink(host)
            resolved = os.path.realpath(host)
            if tree is not None and not os.path.isabs(target) and resolved.startswith(tree + os.sep):
                self.put(dest, "symlink", target)
                return
            if os.path.isdir(resolved):
                self.put(dest, "dir", 0o755)
                for name in sorted(os.listdir(resolved)):
                    self.add_one(os.path.join(resolved, name), dest + "/" + name, None)
                return
            host = resolved
        st = os.stat(host)
        if stat.S_ISDIR(st.st_mode):
            self.put(dest, "dir", 0o755)
        elif stat.S_ISREG(st.st_mode):
            mode = 0o755 if st.st_mode & 0o111 else 0o644
            self.put(dest, "file", (host, mode))

    def elf_files(self):
        for path, (kind, data) in self.entries.items():
            if kind == "file":
                with open(data[0], "rb") as f:
                    if f.read(4) == b"\x7fELF":
                        yield data[0]

    def add_libraries(self):
        # host files already in the image (a runtime's own libraries, found by ldd through $ORIGIN, stay where
        # they are)
        present = {os.path.realpath(d[0]) for k, d in self.entries.values() if k == "file"}
        seen = set()
        todo = list(self.elf_files())
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            r = subprocess.run(["ldd", f], capture_output=True, text=True)
            if r.returncode != 0:
                continue  # static, or not an executable/library
            for line in r.stdout.splitlines():
                line = line.strip()
                lib = None
                if "=>" in line:
                    lib = line.split("=>", 1)[1].split("(")[0].strip()
                elif line.startswith("/"):
                    lib = line.split("(")[0].strip()
                if lib and os.path.isabs(lib) and os.path.exists(lib):
                    lib = os.path.normpath(lib)
                    if os.path.realpath(lib) in present:
                        continue
                    if lib.strip("/") not in self.entries:
                        self.add_one(lib, lib, None)
                    todo.append(os.path.realpath(lib))

    def tar_bytes(self):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for path in sorted(self.entries):
                kind, data = self.entries[path]
                info = tarfile.TarInfo(path)
                info.mtime = 0
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if kind == "dir":
                    info.type = tarfile.DIRTYPE
                    info.mode = data
                    t.addfile(info)
                elif kind == "symlink":
                    info.type = tarfile.SYMTYPE
                    info.linkname = data
                    info.mode = 0o777
                    t.addfile(info)
                elif kind == "text":
                    raw = data[0].encode()
                    info.size = len(raw)
                    info.mode = data[1]
                    t.addfile(info, io.BytesIO(raw))
                else:
                    host, mode = data
                    info.size = os.path.getsize(host)
                    info.mode = mode
                    with open(host, "rb") as f:
                        t.addfile(info, f)
        return buf.getvalue()


def main():
    a = parse_args()
    layer = Layer()
    for spec in a.add:
        src, dest = spec.split(":", 1)
        layer.add_host(src, dest)
    if a.ldd:
        layer.add_libraries()
    for spec in a.dir:
        dest, _, mode = spec.partition(":")
        layer.put(dest, "dir", int(mode, 8) if mode else 0o755)
    for spec in a.file:
        dest, text = spec.split("=", 1)
        layer.put(dest, "text", (text.replace("\\n", "\n"), 0o644))
    for spec in a.symlink:
        dest, target = spec.split("=", 1)
        layer.put(dest, "symlink", target)

    raw = layer.tar_bytes()
    diff_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    config = {"Env": a.env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    if a.entrypoint:
        config["Entrypoint"] = json.loads(a.entrypoint)
    if a.cmd:
        config["Cmd"] = json.loads(a.cmd)
    if a.user:
        config["User"] = a.user
    if a.workdir:
        config["WorkingDir"] = a.workdir
    image_config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "tools/local-image.py"}],
    }
    cfg = json.dumps(image_config, sort_keys=True, separators=(",", ":")).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    layer_name = diff_id[len("sha256:"):] + "/layer.tar"
    manifest = json.dumps([{"Config": cfg_name, "RepoTags": [a.tag], "Layers": [layer_name]}]).encode()

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in ((cfg_name, cfg), (layer_name, raw), ("manifest.json", manifest)):
            if "/" in name:
                d = tarfile.TarInfo(name.split("/")[0])
                d.type = tarfile.DIRTYPE
                d.mode = 0o755
                t.addfile(d)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    os.replace(tmp, a.out)
    print(f"local-image: {a.tag} -> {a.out} ({len(raw) // (1 << 20)} MiB, {len(layer.entries)} entries)", file=sys.stderr)


if __name__ == "__main__":
    main()
