# Shared by every tools/*/build.sh: one lock, progress with a heartbeat, atomic installs.
# Source it (`. "$here/../lib/gobuild.sh"`) after setting `tool` to the name that prefixes
# messages. Progress goes to stderr; stdout stays free for the one path a script prints.
#
# All Go tool builds take ONE lock, ${XDG_CACHE_HOME:-~/.cache}/kubevisor/.build.lock: on a
# 2-core machine two `go build`s at once only make both slower, and parallel checkouts (or test
# runs) that need the same tool then build it once, the second finding it ready.

gobuild_cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/kubevisor"
gobuild_started=$SECONDS

say() { printf '%s: %s\n' "$tool" "$*" >&2; }

# Takes the build lock for the rest of the script (file descriptor 9).
gobuild_lock() {
    mkdir -p "$gobuild_cache_root"
    exec 9>"$gobuild_cache_root/.build.lock"
    if ! flock -n 9; then
        say "another kubevisor tool build is running; waiting for it"
        flock 9
    fi
}

# Fails with a clear message when go is missing; pins the toolchain and the module graph.
gobuild_require_go() {
    if ! command -v go >/dev/null 2>&1; then
        say "'go' is not on PATH; install Go to build $tool"
        exit 1
    fi
    export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
}

# Runs a long command (a go build) with a heartbeat on stderr every 30 s, so a first run that
# builds for minutes never looks hung; says how long it took.
gobuild_run() {
    local what="$1"
    shift
    local start=$SECONDS
    say "$what (started; a heartbeat follows every 30 s)"
    (
        while sleep 30; do
            say "$what: still building, $((SECONDS - start)) s so far"
        done
    ) &
    local heartbeat=$!
    local status=0
    "$@" || status=$?
    kill "$heartbeat" 2>/dev/null || true
    wait "$heartbeat" 2>/dev/null || true
    if ((status != 0)); then
        say "$what: failed after $((SECONDS - start)) s"
        return "$status"
    fi
    say "$what: done in $((SECONDS - start)) s"
}

# A scratch folder inside $1 (removed on exit): builds write there and move results in at the
# end, so an interrupted build never leaves a half-written binary a later call would take as
# finished.
gobuild_workdir() {
    mkdir -p "$1"
    gobuild_work="$(mktemp -d "$1/.build-XXXXXX")"
    trap 'rm -rf "$gobuild_work"' EXIT
}
