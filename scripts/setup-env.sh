#!/usr/bin/env bash
# Make .venv a working environment for the app (and, with "test", for the tests).
#
#   bash scripts/setup-env.sh          # the app: what scripts/start.sh needs
#   bash scripts/setup-env.sh test     # the app, the test tools, Xvfb and xdotool
#
# 1. System packages (Debian, Ubuntu, Kylin, UOS: apt): a Python >= 3.11 with its
#    venv module, and every library Qt's xcb platform plugin loads (libxcb-cursor0,
#    libxcb-icccm4, libxcb-keysyms1, libxkbcommon-x11-0, ... see SYSTEM_LIBS). As
#    root, installs what is missing; otherwise prints one message naming every
#    missing package and the command, and stops.
# 2. .venv: made with that Python; a half-made one (no pip: made before
#    python3-venv was installed) is removed and made again.
# 3. pip install -e . (or .[test]) only when pyproject.toml changed since the last
#    install (a stamp in .venv), its output kept in .venv/install.log.
# 4. Once Qt is installed: `ldd` on its xcb plugin must find every library.
# Quiet on success; a line when it installs something. docs/setup.md says more.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
case "$mode" in "" | test) ;; *) echo "usage: $0 [test]" >&2; exit 2 ;; esac

say() { echo "setup-env: $*" >&2; }

# soname -> Debian/Ubuntu/Kylin/UOS package (the names are the same on all four;
# on bases with the 64-bit time_t rename, e.g. Ubuntu 24.04, apt takes the old
# name and installs the *t64 package). The libraries Qt (PySide6 wheels) loads from
# the system for QtWidgets on X11 and offscreen, from `ldd` on the xcb plugin.
SYSTEM_LIBS="
libxcb-cursor.so.0 libxcb-cursor0
libxcb-icccm.so.4 libxcb-icccm4
libxcb-keysyms.so.1 libxcb-keysyms1
libxkbcommon-x11.so.0 libxkbcommon-x11-0
libxkbcommon.so.0 libxkbcommon0
libxcb-image.so.0 libxcb-image0
libxcb-randr.so.0 libxcb-randr0
libxcb-render.so.0 libxcb-render0
libxcb-render-util.so.0 libxcb-render-util0
libxcb-shape.so.0 libxcb-shape0
libxcb-shm.so.0 libxcb-shm0
libxcb-sync.so.1 libxcb-sync1
libxcb-util.so.1 libxcb-util1
libxcb-xfixes.so.0 libxcb-xfixes0
libxcb-xkb.so.1 libxcb-xkb1
libxcb.so.1 libxcb1
libX11-xcb.so.1 libx11-xcb1
libX11.so.6 libx11-6
libEGL.so.1 libegl1
libGL.so.1 libgl1
libfontconfig.so.1 libfontconfig1
libfreetype.so.6 libfreetype6
libglib-2.0.so.0 libglib2.0-0
libdbus-1.so.3 libdbus-1-3
"
# The test tools: a virtual screen, a way to find a window on it, and the offline
# speech synthesizer the hall display's voice test renders its WAV with.
TEST_TOOLS="Xvfb xvfb
xdotool xdotool
espeak-ng espeak-ng"

LDCONFIG="$(command -v ldconfig || echo /sbin/ldconfig)"
missing=()  # packages
unknown=()  # sonames without a package in the table

add_missing() {
  local p
  for p in "${missing[@]+"${missing[@]}"}"; do [ "$p" = "$1" ] && return 0; done
  missing+=("$1")
}

# --- Python ------------------------------------------------------------------
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
find_python() {
  local c
  for c in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$c" ] && command -v "$c" >/dev/null && py_ok "$c" && { command -v "$c"; return 0; }
  done
  return 1
}
# The package with the venv module for this Python: python3-venv for the
# distribution's python3, python3.X-venv for another /usr/bin/python3.X.
venv_package() {
  local real ver
  real="$(readlink -f "$1")"
  ver="$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if [ "$real" = "$(readlink -f /usr/bin/python3 2>/dev/null)" ]; then
    echo python3-venv
  else
    echo "python$ver-venv"
  fi
}

venv_python() {
  if [ -x .venv/bin/python ]; then echo .venv/bin/python; else echo .venv/Scripts/python.exe; fi
}
venv_works() { "$(venv_python)" -c 'import pip' >/dev/null 2>&1; }

check_python() {
  local PY
  PY="$(find_python || true)"
  if [ -z "$PY" ]; then
    if ! command -v python3 >/dev/null; then
      add_missing python3
      add_missing python3-venv
    fi
    return 0
  fi
  # The venv module is needed only to (re)make .venv.
  if ! venv_works && ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    add_missing "$(venv_package "$PY")"
  fi
}

# --- System libraries -----------------------------------------------------------
# A library is there when the dynamic linker's cache names it for this machine's
# architecture (the tag libc.so.6 has) and the file it names exists.
LDCACHE=""
ARCHTAG=""
have_lib() {
  local line path
  while IFS= read -r line; do
    case "$line" in *"($ARCHTAG)"* | *"($ARCHTAG,"*) ;; *) continue ;; esac
    path="${line##*=> }"
    [ -e "$path" ] && return 0
  done < <(grep -F "	$1 (" <<<"$LDCACHE" || true)
  return 1
}

check_libs() {
  [ "$(uname -s)" = Linux ] || return 0
  LDCACHE="$("$LDCONFIG" -p 2>/dev/null || true)"
  ARCHTAG="$(grep -m1 -F '	libc.so.6 (' <<<"$LDCACHE" \
    | sed -e 's/^[^(]*(\([^)]*\)).*/\1/' -e 's/, OS ABI.*//' || true)"
  [ -n "$ARCHTAG" ] || return 0  # not glibc: the ldd check after the install decides
  local soname pkg
  while read -r soname pkg; do
    [ -n "$soname" ] || continue
    have_lib "$soname" || add_missing "$pkg"
  done <<<"$SYSTEM_LIBS"
  if [ "$mode" = test ]; then
    local tool
    while read -r tool pkg; do
      command -v "$tool" >/dev/null || add_missing "$pkg"
    done <<<"$TEST_TOOLS"
  fi
}

# What Qt's xcb plugin and QtWidgets really lack, read with ldd (after the install).
check_qt_with_ldd() {
  [ "$(uname -s)" = Linux ] || return 0
  local site plugin so soname pkg
  site="$(ls -d .venv/lib/python3*/site-packages/PySide6 2>/dev/null | head -n1)"
  [ -n "$site" ] || return 0
  plugin="$site/Qt/plugins/platforms/libqxcb.so"
  so="$(ls "$site"/QtWidgets.*.so 2>/dev/null | head -n1)"
  for soname in $(ldd "$plugin" $so 2>/dev/null | awk '/=> not found/ {print $1}' | sort -u); do
    pkg="$(awk -v s="$soname" '$1 == s {print $2}' <<<"$SYSTEM_LIBS")"
    if [ -n "$pkg" ]; then add_missing "$pkg"; else unknown+=("$soname"); fi
  done
}

# Install what is missing (root with apt, when $1 is "install"), else say what and
# how, and stop.
resolve_missing() {
  [ ${#missing[@]} -gt 0 ] || [ ${#unknown[@]} -gt 0 ] || return 0
  if [ "$1" = install ] && [ ${#unknown[@]} -eq 0 ] && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    local log
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      say "apt-get failed; see above (docs/setup.md lists the packages per distribution)"
      exit 1
    fi
    rm -f "$log"
    missing=()
    return 0
  fi
  {
    echo "缺少系统软件包 / missing system packages: ${missing[*]-}${unknown[*]+ (libraries: ${unknown[*]})}"
    if command -v apt-get >/dev/null && [ ${#missing[@]} -gt 0 ]; then
      echo "Install them as root, then run this again:"
      echo "  sudo apt-get install -y ${missing[*]}"
    else
      echo "Install the packages that provide them with the system's package manager, then run this again."
    fi
    echo "(docs/setup.md: the names on Debian/Ubuntu/Kylin/UOS and what each is for)"
  } >&2
  exit 1
}

# --- .venv ---------------------------------------------------------------------------
stamp=.venv/.installed
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi; }
want="$mode $(sha256 pyproject.toml | cut -c1-64)"
installed() {  # the test install covers the app's too
  [ -f "$stamp" ] || return 1
  if [ "$mode" = test ]; then grep -qxF "$want" "$stamp"; else grep -qF " ${want#* }" "$stamp"; fi
}

if installed && "$(venv_python)" -c '' >/dev/null 2>&1; then
  # The usual start: the system libraries are still there, and that is all.
  check_libs
  resolve_missing install
  exit 0
fi

check_python
check_libs
resolve_missing install
PY="$(find_python || true)"
if [ -z "$PY" ]; then
  say "Python >= 3.11 not found (python3: $(python3 -V 2>&1 || echo none))."
  say "Install python3.11 and python3.11-venv, or set PYTHON=/path/to/python3.11 (docs/setup.md)."
  exit 1
fi

if [ -e .venv ] && ! venv_works; then
  say "removing the half-made .venv (no pip in it: made before python3-venv was installed?)"
  rm -rf .venv
fi
if [ ! -e .venv ]; then
  if ! out="$("$PY" -m venv .venv 2>&1)"; then
    rm -rf .venv
    echo "$out" >&2
    say "could not make .venv with $PY; install $(venv_package "$PY") and run this again"
    exit 1
  fi
fi

target=.
[ "$mode" = test ] && target='.[test]'
say "installing the app${mode:+ and the test tools} into .venv (first start, or pyproject.toml changed)"
log=.venv/install.log
VPY="$(venv_python)"
rm -f "$stamp"
if ! { "$VPY" -m pip install --upgrade pip && "$VPY" -m pip install -e "$target"; } >"$log" 2>&1
then
  tail -n 40 "$log" >&2
  say "pip failed; its whole output is in $log"
  exit 1
fi

# What Qt really loads: ldd on the plugin. Root installs what the table missed.
check_qt_with_ldd
resolve_missing install
missing=()
check_qt_with_ldd
resolve_missing report
echo "$want" >"$stamp"
