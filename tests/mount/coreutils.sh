#!/usr/bin/env bash
# Coreutils and friends through a mounted CkptFS (issue 10): cp -r of a tree with empty folders
# then diff -r; dd of DD_MIB (default 1024) MiB in and out, cmp and sha256; mv of files and folders
# (onto an existing file too); rm -r; mkdir -p; ls -l sizes, modes and mtimes; find; stat; df; tar
# create and extract; rsync into the mount (temporary file, then rename) and back out.
# Usage: coreutils.sh DIR_IN_MOUNT [LOCAL_SCRATCH]   (DIR_IN_MOUNT must not exist yet)
# ATTRS=0 leaves out what needs chmod/chown/utime through the mount (chmod, touch -d, rsync -a,
# tar keeping owners and modes) and copies with rsync -r / tar --no-same-*; ATTRS=1 (default) checks them.
# Every command runs under `timeout`; the first failure ends the script with a message and exit 1.
set -euo pipefail
dir="${1:?usage: coreutils.sh DIR_IN_MOUNT [LOCAL_SCRATCH]}"
scratch="${2:-$(mktemp -d -t ckptfs-coreutils-XXXXXX)}"
dd_mib="${DD_MIB:-1024}"
attrs="${ATTRS:-1}"
step_timeout="${STEP_TIMEOUT:-300}"
own_scratch=0; [[ -z "${2:-}" ]] && own_scratch=1
cleanup() { [[ $own_scratch == 1 ]] && rm -rf "$scratch"; true; }
trap cleanup EXIT

t() { timeout -k 5 "$step_timeout" "$@"; }
fail() { echo "FAIL: coreutils: $*" >&2; exit 1; }
step() { echo "[$(date +%T)] $*"; }

[[ -e "$dir" ]] && fail "$dir already exists"
t mkdir "$dir" || fail "mkdir $dir"
mkdir -p "$scratch"

step "mkdir -p and a tree with empty folders"
src="$scratch/tree"
mkdir -p "$src/a/b/c" "$src/empty1" "$src/a/empty2" "$src/deep/x/y/z/w"
printf 'hello\n' >"$src/a/hello.txt"
head -c 3000000 /dev/urandom >"$src/a/b/c/random.bin"
: >"$src/a/zero-bytes"
head -c 5000 /dev/urandom >"$src/deep/x/y/z/w/five-k"
for i in $(seq 1 50); do printf 'file %d\n' "$i" >"$src/a/b/many-$i"; done
chmod 600 "$src/a/hello.txt"; chmod 755 "$src/deep"
t mkdir -p "$dir/p/q/r/s" || fail "mkdir -p"
[[ -d "$dir/p/q/r/s" ]] || fail "mkdir -p did not make $dir/p/q/r/s"

step "cp -r in, diff -r, cp -r out, diff -r"
t cp -r "$src" "$dir/tree" || fail "cp -r into the mount"
t diff -r "$src" "$dir/tree" || fail "diff -r after cp -r in"
[[ -d "$dir/tree/empty1" && -d "$dir/tree/a/empty2" ]] || fail "empty folders not copied"
t cp -r "$dir/tree" "$scratch/tree-back" || fail "cp -r out of the mount"
t diff -r "$src" "$scratch/tree-back" || fail "diff -r after cp -r out"

step "ls -l: sizes, modes, mtimes"
size=$(stat -c %s "$dir/tree/a/b/c/random.bin"); [[ $size == 3000000 ]] || fail "stat size $size, expected 3000000"
[[ $(stat -c %s "$dir/tree/a/zero-bytes") == 0 ]] || fail "empty file has size $(stat -c %s "$dir/tree/a/zero-bytes")"
line=$(t ls -l "$dir/tree/a/b/c/random.bin") || fail "ls -l"
[[ $(awk '{print $5}' <<<"$line") == 3000000 ]] || fail "ls -l size: $line"
[[ $(awk '{print $1}' <<<"$line") == -rw* ]] || fail "ls -l mode: $line"
if [[ $attrs == 1 ]]; then
  t chmod 640 "$dir/tree/a/hello.txt" || fail chmod
  [[ $(stat -c %a "$dir/tree/a/hello.txt") == 640 ]] || fail "chmod 640 gave $(stat -c %a "$dir/tree/a/hello.txt")"
  t chown 1:1 "$dir/tree/a/hello.txt" || fail chown
  t touch -m -d '2021-02-03 04:05:06 UTC' "$dir/tree/a/hello.txt" || fail "touch -d (utimens)"
  sleep 1.2   # the attribute cache is 1 s
  [[ $(stat -c %u:%g "$dir/tree/a/hello.txt") == 1:1 ]] || fail "chown 1:1 gave $(stat -c %u:%g "$dir/tree/a/hello.txt")"
  mtime=$(stat -c %Y "$dir/tree/a/hello.txt"); [[ $mtime == 1612325106 ]] || fail "mtime $mtime after touch -d, expected 1612325106"
fi
[[ $(date -u -d @"$(stat -c %Y "$dir/tree/a/b/c/random.bin")" +%Y) -ge 2024 ]] || fail "mtime of a new file is not recent"
[[ $(stat -c %U "$dir/tree/a/hello.txt") != UNKNOWN ]] || fail "owner unknown"
[[ $(stat -c %F "$dir/tree/empty1") == directory ]] || fail "stat type of a folder: $(stat -c %F "$dir/tree/empty1")"
ino1=$(stat -c %i "$dir/tree/a/hello.txt"); ino2=$(stat -c %i "$dir/tree/a/zero-bytes")
[[ $ino1 != "$ino2" && $ino1 != 0 ]] || fail "inode numbers $ino1 and $ino2"
count=$(t ls -l "$dir/tree/a/b" | grep -c '^-' || true); [[ $count == 50 ]] || fail "ls -l listed $count files, expected 50"

step "find"
expected=$(cd "$src" && find . | sort); got=$(cd "$dir/tree" && t find . | sort)
[[ "$expected" == "$got" ]] || fail "find differs: $(diff <(echo "$expected") <(echo "$got") | head)"
[[ $(t find "$dir/tree" -type f -size +1M | wc -l) == 1 ]] || fail "find -size +1M"
[[ $(t find "$dir/tree" -type d -empty | wc -l) -ge 2 ]] || fail "find -empty"

step "df"
df_line=$(t df -P "$dir" | tail -1) || fail df
[[ $(awk '{print $2}' <<<"$df_line") -gt 0 ]] || fail "df shows no capacity: $df_line"

step "mv: files and folders, onto an existing file, into a folder"
t mv "$dir/tree/a/hello.txt" "$dir/tree/a/renamed.txt" || fail "mv file"
[[ ! -e "$dir/tree/a/hello.txt" && $(cat "$dir/tree/a/renamed.txt") == hello ]] || fail "mv file: content or old name"
printf 'old\n' >"$dir/tree/victim" || fail "write victim"
t mv "$dir/tree/a/renamed.txt" "$dir/tree/victim" || fail "mv onto an existing file"
[[ $(cat "$dir/tree/victim") == hello ]] || fail "mv onto an existing file: content $(cat "$dir/tree/victim")"
t mv "$dir/tree/deep" "$dir/tree/deeper" || fail "mv folder"
[[ -f "$dir/tree/deeper/x/y/z/w/five-k" && ! -e "$dir/tree/deep" ]] || fail "mv folder: tree"
t mv "$dir/tree/deeper" "$dir/p/" || fail "mv folder into a folder"
t cmp "$src/deep/x/y/z/w/five-k" "$dir/p/deeper/x/y/z/w/five-k" || fail "content after moving folders"

step "rm and rm -r"
t rm "$dir/tree/victim" || fail rm
[[ ! -e "$dir/tree/victim" ]] || fail "rm left the file"
t rm -r "$dir/p" || fail "rm -r"
[[ ! -e "$dir/p" ]] || fail "rm -r left $dir/p"

step "tar: create from the mount, extract into the mount"
t tar -C "$dir" -cf "$scratch/tree.tar" tree || fail "tar create from the mount"
t mkdir "$dir/untar" || fail "mkdir untar"
if [[ $attrs == 1 ]]; then untar=(tar); else untar=(tar --no-same-owner --no-same-permissions -m); fi
t "${untar[@]}" -C "$dir/untar" -xf "$scratch/tree.tar" || fail "tar extract into the mount"
t diff -r "$dir/tree" "$dir/untar/tree" || fail "diff -r after tar round trip"
t tar -C "$dir" -cf "$dir/tree-in-mount.tar" tree || fail "tar create into the mount"
mkdir "$scratch/untar2"; t tar -C "$scratch/untar2" -xf "$dir/tree-in-mount.tar" || fail "tar extract from the mount"
t diff -r "$dir/tree" "$scratch/untar2/tree" || fail "diff -r after tar from the mount"

if [[ $attrs == 1 ]]; then
step "rsync -a into the mount (temporary file, then rename) and out"
t rsync -a "$src/" "$dir/rsynced/" || fail "rsync -a into the mount"
t diff -r "$src" "$dir/rsynced" || fail "diff -r after rsync in"
printf 'changed\n' >"$src/a/zero-bytes"
t rsync -a "$src/" "$dir/rsynced/" || fail "rsync -a of a changed file (replaces it by rename)"
[[ $(cat "$dir/rsynced/a/zero-bytes") == changed ]] || fail "rsync did not replace the changed file"
t rsync -a "$dir/rsynced/" "$scratch/rsynced-back/" || fail "rsync -a out of the mount"
t diff -r "$src" "$scratch/rsynced-back" || fail "diff -r after rsync out"
else
step "rsync out of the mount (rsync into it needs chmod: ATTRS=1)"
t rsync -r "$dir/tree/" "$scratch/rsynced-back/" || fail "rsync -r out of the mount"
t diff -r "$dir/tree" "$scratch/rsynced-back" || fail "diff -r after rsync out"
fi

step "dd of $dd_mib MiB in (bs=1M conv=fsync) and out, cmp and sha256"
head -c $((dd_mib * 1048576)) /dev/urandom >"$scratch/big" 2>/dev/null || fail "make the local file"
t dd if="$scratch/big" of="$dir/big" bs=1M conv=fsync status=none || fail "dd into the mount"
[[ $(stat -c %s "$dir/big") == $((dd_mib * 1048576)) ]] || fail "size after dd: $(stat -c %s "$dir/big")"
t cmp "$scratch/big" "$dir/big" || fail "cmp after dd in"
t dd if="$dir/big" of="$scratch/big-back" bs=1M status=none || fail "dd out of the mount"
a=$(sha256sum <"$scratch/big" | cut -d' ' -f1); b=$(sha256sum <"$scratch/big-back" | cut -d' ' -f1)
[[ $a == "$b" ]] || fail "sha256 after dd out: $a vs $b"
c=$(t sha256sum <"$dir/big" | cut -d' ' -f1); [[ $a == "$c" ]] || fail "sha256 read in the mount: $a vs $c"
rm -f "$scratch/big" "$scratch/big-back"

step "cp of a file over an existing one (O_TRUNC), cat, overwrite with shell redirection"
printf '0123456789ABCDEF\n' >"$dir/trunc" || fail "write trunc"
printf 'xy\n' >"$dir/trunc" || fail "overwrite with > (O_TRUNC)"
[[ $(cat "$dir/trunc") == xy && $(stat -c %s "$dir/trunc") == 3 ]] || fail "O_TRUNC overwrite left: $(cat "$dir/trunc" | od -c | head -2)"
t cp "$src/a/b/c/random.bin" "$dir/trunc" || fail "cp over an existing file"
t cmp "$src/a/b/c/random.bin" "$dir/trunc" || fail "cmp after cp over an existing file"

step "rm -r of everything"
t rm -r "$dir" || fail "rm -r $dir"
[[ ! -e "$dir" ]] || fail "$dir still exists"
echo "PASS: coreutils"
