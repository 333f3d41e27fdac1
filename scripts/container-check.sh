#!/usr/bin/env bash
# The container for real: builds the Dockerfile with podman, runs the image on a named volume, uploads the
# Twente table through the published port and checks what an operator relies on: the figures, the
# unprivileged user, the HEALTHCHECK, a graceful `stop`, and the data surviving a new container. Then it
# removes what it made, except the base image, which it keeps as a cache.
#
# Runs in CI (CI=true, unless CONTAINER_CHECK=0) or when asked for (CONTAINER_CHECK=1); needs root and
# Debian's apt for the engine. Without a registry, the Dockerfile's base image is made from Debian's own
# packages (nodejs, npm) and tagged with the name the Dockerfile uses, so the Dockerfile stays as an operator
# with a registry builds it. Settings: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CONTAINER_CHECK:-}" != 1 ] && { [ "${CI:-}" != true ] || [ "${CONTAINER_CHECK:-}" = 0 ]; }; then
  echo "Container check skipped: it runs in CI (CI=true) or with CONTAINER_CHECK=1 (needs root, apt, podman)."
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The container check needs root (rootful podman with runc)." >&2
  exit 1
fi

# Debian's trixie carries Node 20 and npm; the Dockerfile names the matching official image.
SUITE=trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE=$(awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile)
RUN_ID=$$
IMAGE=localhost/sonar-transparency:check-$RUN_ID
VOLUME=sonar-check-data-$RUN_ID
CONTAINERS=()
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
API_KEYS=check:$SECRET

now() { date +%s%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
CHECK_STARTED=$(now)
STEP_STARTED=$CHECK_STARTED
step() { STEP_NAME=$1; STEP_STARTED=$(now); echo "== $1"; }
done_step() { printf '   %-46s %7s s\n' "$STEP_NAME" "$(seconds "$STEP_STARTED" "$(now)")"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# Without systemd, podman cannot time the HEALTHCHECK and logs an error at every start and stop of a
# container that has one; the check runs it by hand instead, and those lines are left out.
podman_quiet() {
  local errors status=0
  errors=$(mktemp)
  podman "$@" 2> "$errors" || status=$?
  grep -v 'unable to get systemd connection' "$errors" >&2 || true
  rm -f "$errors"
  return "$status"
}

cleanup() {
  local status=$?
  for container in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$container" >/dev/null 2>&1 || true; done
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
  if [ -n "${BASE_ROOT:-}" ]; then umount "$BASE_ROOT" 2>/dev/null || true; rm -rf "$BASE_ROOT"; fi
  if [ "$status" -eq 0 ]; then
    echo "Container check passed in $(seconds "$CHECK_STARTED" "$(now)") s."
  else
    echo "Container check FAILED (exit $status) after $(seconds "$CHECK_STARTED" "$(now)") s." >&2
  fi
}
trap cleanup EXIT

step "engine (podman, runc, debootstrap)"
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# runc, as crun refuses some kernels' cgroup layouts; containers' limits no higher than this machine's hard
# limits, or every RUN fails setting podman's default open-files limit; cgroupfs and a file event log where
# systemd is not running.
mkdir -p /etc/containers/containers.conf.d
# Its processes limit too: podman's container monitor (conmon) runs with at most pid_max processes (seen
# here: 32768 below a hard limit of 96367), and a container asking for more fails to start.
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
{
  echo '# Written by the project'"'"'s scripts/container-check.sh.'
  echo '[containers]'
  echo "default_ulimits = [\"nofile=$(ulimit -Hn):$(ulimit -Hn)\", \"nproc=$nproc:$nproc\"]"
  echo '[engine]'
  echo 'runtime = "runc"'
  if [ ! -d /run/systemd/system ]; then
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
  fi
} > /etc/containers/containers.conf.d/50-sonar-container-check.conf
echo "   $(podman --version), $(runc --version | head -1)"
done_step

step "base image $BASE"
if podman image exists "$BASE"; then
  echo "   cached: $(podman image inspect --format '{{.Created}}' "$BASE")"
else
  # In memory: dpkg syncs every file it writes, which on a slow disk takes minutes.
  BASE_ROOT=$(mktemp -d)
  mount -t tmpfs -o size=2g tmpfs "$BASE_ROOT"
  log=/tmp/sonar-base-$RUN_ID.log
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$BASE_ROOT" "$MIRROR" > "$log" 2>&1 \
    || { tail -20 "$BASE_ROOT/debootstrap/debootstrap.log"; fail "debootstrap failed"; }
  # apt, not debootstrap's --include, resolves npm's many dependencies.
  apt_in_base() { DEBIAN_FRONTEND=noninteractive chroot "$BASE_ROOT" apt-get -o APT::Sandbox::User=root -qq "$@" >> "$log" 2>&1; }
  apt_in_base update && apt_in_base install -y --no-install-recommends nodejs npm \
    || { tail -20 "$log"; fail "nodejs and npm did not install"; }
  # The official image's user; the Dockerfile runs the service as it.
  chroot "$BASE_ROOT" groupadd --gid 1000 node
  chroot "$BASE_ROOT" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # This machine's own certificate authorities, which the build needs to reach the npm registry.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$BASE_ROOT/usr/local/share/ca-certificates/"
    chroot "$BASE_ROOT" update-ca-certificates >> "$log" 2>&1
  fi
  apt_in_base clean
  rm -rf "$BASE_ROOT"/var/lib/apt/lists/* "$BASE_ROOT"/var/cache/* "$BASE_ROOT"/tmp/* "$log"
  tar -C "$BASE_ROOT" -c . | podman import --quiet \
    --change 'CMD ["node"]' \
    --change "LABEL sonar.container-check.base=debian-$SUITE" \
    - "$BASE" >/dev/null
  umount "$BASE_ROOT"
  rmdir "$BASE_ROOT"
  BASE_ROOT=
fi
versions=$(podman run --rm --pull=never "$BASE" sh -c 'echo "node $(node --version), npm $(npm --version)"') \
  || fail "the base image does not run"
echo "   $versions"
done_step

step "image build"
# docker format: the OCI format drops the HEALTHCHECK. No layer cache: nothing of the build stage is left
# behind. Each line stamped, to tell how long each step took.
build_log=/tmp/sonar-container-build-$RUN_ID.log
podman build --format docker --pull=never --layers=false -t "$IMAGE" . 2>&1 \
  | while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done > "$build_log" \
  || { tail -40 "$build_log"; fail "the image did not build (log: $build_log)"; }
awk '/ STEP [0-9]+\/[0-9]+: / { if (step) printf "   %4d s  %s\n", $1 - at, step; at = $1; step = substr($0, index($0, "STEP"), 72) }
     END { if (step) printf "   %4d s  %s\n", $1 - at, step }' "$build_log" | awk '$1 >= 3'
rm -f "$build_log"
base_size=$(podman image inspect --format '{{.Size}}' "$BASE")
image_size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "   image $(( image_size / 1000000 )) MB: the base $(( base_size / 1000000 )) MB, its own layers $(( (image_size - base_size) / 1000000 )) MB"
# Only what runs: no benchmarks or tests, no source maps, nothing of better-sqlite3's build but its module.
contents=$(podman_quiet run --rm --pull=never "$IMAGE" sh -c '
  ls -d dist/bench dist/test 2>/dev/null
  find dist -name "*.map"
  find node_modules/better-sqlite3 -mindepth 1 -maxdepth 1 \( -name deps -o -name src \)
  find node_modules/better-sqlite3/build -type f ! -path node_modules/better-sqlite3/build/Release/better_sqlite3.node
  du -sm node_modules dist db | sed "s/^/size: /"')
unwanted=$(grep -v '^size: ' <<< "$contents" || true)
[ -z "$unwanted" ] || fail "the image holds what does not run: $unwanted"
echo "   in /app: $(grep '^size: ' <<< "$contents" | awk '{ printf "%s%s %s MB", sep, $3, $2; sep = ", " }')"
healthcheck=$(podman image inspect --format '{{json .HealthCheck}}' "$IMAGE")
[[ $healthcheck == *"/health"* ]] || fail "the image has no HEALTHCHECK: $healthcheck"
done_step

# Starts a container on the volume, published on loopback only; sets PORT_URL.
start_container() {
  local name=$1
  podman_quiet run -d --name "$name" -p 127.0.0.1::3000 -v "$VOLUME:/data" -e "API_KEYS=$API_KEYS" "$IMAGE" >/dev/null
  CONTAINERS+=("$name")
  PORT_URL="http://$(podman port "$name" 3000/tcp)"
  local waited=0
  until curl -sf "$PORT_URL/ready" >/dev/null; do
    waited=$((waited + 1))
    [ "$waited" -le 300 ] || { podman logs "$name" | tail -20; fail "$name was not ready within 30 s"; }
    sleep 0.1
  done
}

twente_totals() { curl -sf "$PORT_URL/v1/regions/Twente/totals"; }
is_twente() {
  node -e 'const t = JSON.parse(process.argv[1]); process.exit(t.total === 7898 && t.registerTotal === 10371 && t.coveragePercent === 76 ? 0 : 1)' "$1"
}

step "start, until /ready"
podman volume create "$VOLUME" >/dev/null
start_container "sonar-check-$RUN_ID-1"
echo "   listening on $PORT_URL"
done_step

step "upload Twente, read it back"
status=$(curl -s -o /tmp/sonar-container-upload-$RUN_ID.json -w '%{http_code}' -X POST "$PORT_URL/v1/uploads" \
  -H "X-API-Key: $SECRET" -H 'Content-Type: application/json' --data @test/fixtures/twente-upload.json)
[ "$status" = 201 ] || { cat /tmp/sonar-container-upload-$RUN_ID.json; fail "the upload answered $status"; }
rm -f /tmp/sonar-container-upload-$RUN_ID.json
totals=$(twente_totals)
is_twente "$totals" || fail "Twente's totals are not 7,898 of 10,371 (76 %): $totals"
echo "   7,898 in Sonar, register 10,371, 76 %"
done_step

step "unprivileged user, HEALTHCHECK"
# Every uid of the service's process (real, effective, saved, filesystem) is node's.
uids=$(podman exec "sonar-check-$RUN_ID-1" awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/1/status)
[ "$uids" = "1000 1000 1000 1000" ] || fail "the service runs with uids $uids, not 1000"
[ "$(podman exec "sonar-check-$RUN_ID-1" cat /proc/1/comm)" = node ] || fail "the container's first process is not node"
podman healthcheck run "sonar-check-$RUN_ID-1" >/dev/null || fail "the HEALTHCHECK failed"
health=$(podman inspect --format '{{.State.Health.Status}}' "sonar-check-$RUN_ID-1")
[ "$health" = healthy ] || fail "the container is $health, not healthy"
echo "   node runs as uid 1000; $health"
done_step

step "graceful stop"
# Within the service's shutdown timeout (SHUTDOWN_TIMEOUT_MS, 10 s); podman would kill it after 30 s.
stop_started=$(now)
podman_quiet stop -t 30 "sonar-check-$RUN_ID-1" >/dev/null
stop_took=$(seconds "$stop_started" "$(now)")
awk -v t="$stop_took" 'BEGIN { exit !(t < 10) }' || fail "the service took $stop_took s to stop"
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "sonar-check-$RUN_ID-1")
[ "$exit_code" = 0 ] || fail "the service exited with $exit_code on SIGTERM"
logs=$(podman logs "sonar-check-$RUN_ID-1" 2>&1)
grep -q '"signal":"SIGTERM".*"msg":"shutting down"' <<< "$logs" || fail "the service did not log SIGTERM: $logs"
grep -q '"msg":"stopped"' <<< "$logs" || fail "the service did not log that it stopped: $logs"
echo "   stopped in $stop_took s, exit code 0, logged \"stopped\""
done_step

step "new container, same volume"
start_container "sonar-check-$RUN_ID-2"
after=$(twente_totals)
[ "$after" = "$totals" ] || fail "the figures changed in the new container: $after"
podman_quiet stop -t 30 "sonar-check-$RUN_ID-2" >/dev/null
echo "   Twente's totals unchanged"
done_step
