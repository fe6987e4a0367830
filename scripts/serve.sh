#!/usr/bin/env bash
# README command 1: install whatever is missing, then serve byzlab at http://127.0.0.1:8080
source "$(dirname "$0")/common.sh"
ensure_web_build_tools
say "serving at http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --release
