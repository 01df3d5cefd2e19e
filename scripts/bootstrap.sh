#!/usr/bin/env bash
# Installs what the build and the tests need on a Debian machine of this kind:
# DICOM peers (DCMTK, Orthanc, dicom3tools, GDCM), PixelMed, Pillow for resize vectors, python3-hl7
# (an HL7 v2 parser independent of HAPI, for the ORU conformance tests), the tests' OpenID provider (npm),
# rsyslog (the audit collector of the tests),
# and puts the Debian-only jars (PixelMed, GDCM binding) into the local Maven repository.
# Then the container engine (./cxr images, ./cxr up --containers, the e2e-containers suite):
# Debian's podman with runc, its two settings for this machine kind, and the base JRE image the
# service images are built on, made from Debian packages (public image registries are not
# reachable here). `--without-containers` leaves the engine alone (./cxr up on the embedded stack).
# Idempotent: a second run only checks.
set -euo pipefail

CONTAINERS=1
[[ ${1:-} == --without-containers ]] && CONTAINERS=0

PACKAGES=(libpixelmed-java libpixelmed-imageio-java libgdcm-java libgdcm-tools dcmtk orthanc
          orthanc-dicomweb dicom3tools python3-pil python3-hl7 zip jq curl chromium chromium-driver)
# The audit collector of the tests (test-support's Rsyslog): rsyslog and its TLS driver (TestTls makes its certificate).
PACKAGES+=(rsyslog rsyslog-gnutls)
# podman 4.3 with runc (crun is not used, see ENGINE_SETTINGS), netavark/aardvark-dns for networks whose
# containers find each other by name, iptables for their port forwarding, mmdebstrap for the base image.
((CONTAINERS)) && PACKAGES+=(podman runc netavark aardvark-dns iptables mmdebstrap)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  apt-get update -qq
  # Debian's package scripts try to start Orthanc/PostgreSQL as system services; tests start their own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

M2="${MAVEN_REPO:-$HOME/.m2/repository}"
install_jar() { # group artifact version jar
  local dest="$M2/${1//.//}/$2/$3/$2-$3.jar"
  [[ -f $dest ]] && return 0
  local tmp; tmp=$(mktemp -d)
  cp "$4" "$tmp/$2.jar"
  # The Debian manifests carry a Class-Path into /usr/share/java that would drag system jars in.
  zip -qd "$tmp/$2.jar" META-INF/MANIFEST.MF >/dev/null 2>&1 || true
  (cd "$tmp" && mvn -q -B org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file -Dfile="$tmp/$2.jar" -DgroupId="$1" -DartifactId="$2" \
      -Dversion="$3" -Dpackaging=jar -DgeneratePom=true)
  rm -rf "$tmp"
}
install_jar com.pixelmed pixelmed 20220618 /usr/share/java/pixelmed-20220618.jar
install_jar com.pixelmed pixelmed-imageio 20220618 /usr/share/java/pixelmed_imageio.jar
install_jar org.gdcm gdcm 3.0 /usr/share/java/gdcm.jar

# The tests' OpenID provider (test-support/oidc-provider): node-oidc-provider and its dependencies from
# the committed lock file, with the machine's Node.js 20+ and npm. Reinstalled only when the lock file changed.
OIDC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test-support/oidc-provider"
if ! cmp -s "$OIDC_DIR/package-lock.json" "$OIDC_DIR/node_modules/.cxr-installed-lock.json"; then
  command -v npm >/dev/null || { echo "bootstrap: npm is missing (Node.js 20+ runs the tests' OpenID provider)" >&2; exit 1; }
  echo "bootstrap: installing the tests' OpenID provider (npm ci in $OIDC_DIR)"
  (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$OIDC_DIR/package-lock.json" "$OIDC_DIR/node_modules/.cxr-installed-lock.json"
fi

if ((CONTAINERS)); then
  # A drop-in, so a site's own containers.conf stays untouched.
  ENGINE_CONF=/etc/containers/containers.conf.d/cxr-platform.conf
  ENGINE_SETTINGS='# Written by scripts/bootstrap.sh (cxr-platform): what podman needs on this machine kind.
[containers]
# The default nofile/nproc limits make runc fail with "error setting rlimit ... operation not permitted".
default_ulimits = []

[network]
# netavark, not the CNI plugins Debian also configures (they are not installed).
network_backend = "netavark"

[engine]
# crun refuses the hybrid cgroup hierarchy of this machine kind; runc runs.
runtime = "runc"'
  if [[ "$(cat "$ENGINE_CONF" 2>/dev/null)" != "$ENGINE_SETTINGS" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "bootstrap: podman needs $ENGINE_CONF ([containers] default_ulimits = [], [engine] runtime = \"runc\"); run scripts/bootstrap.sh as root" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$ENGINE_CONF")"
    printf '%s\n' "$ENGINE_SETTINGS" >"$ENGINE_CONF"
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: the images and containers live in root's podman storage; run scripts/bootstrap.sh and ./cxr images as root" >&2
    exit 1
  fi
  engine_err=$(podman info 2>&1 >/dev/null) || {
    echo "bootstrap: podman does not work (${engine_err##*$'\n'}); check $ENGINE_CONF and 'podman info'" >&2
    exit 1
  }

  # The base of the local service images: Debian's OpenJDK 17 JRE on a minimal Debian, from this machine's
  # Debian sources (the same mirror apt uses here), without manuals, translations and documentation
  # (licences kept). Rebuilt when this recipe changes (its hash is a label of the image).
  BASE_IMAGE=localhost/cxr-platform/debian-jre:17
  SOURCES=/etc/apt/sources.list.d/debian.sources
  [[ -f $SOURCES ]] || SOURCES=/etc/apt/sources.list
  # (The JRE's post-install script links its manual page: man1 must exist even without manuals.)
  RECIPE=(--variant=minbase --include=openjdk-17-jre-headless
          --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
          --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
          --setup-hook='mkdir -p "$1/usr/share/man/man1"'
          bookworm)
  recipe_hash=$(printf '%s\n' "${RECIPE[@]}" | sha256sum | cut -c1-12)
  if [[ $(podman image inspect --format '{{index .Labels "org.cxrplatform.base.recipe"}}' "$BASE_IMAGE" 2>/dev/null) != "$recipe_hash" ]]; then
    echo "bootstrap: building the base image $BASE_IMAGE from Debian packages (mmdebstrap, about a minute on an idle machine)"
    work=$(mktemp -d)
    log=${TMPDIR:-/tmp}/cxr-base-image.log
    trap 'rm -rf "$work"' EXIT
    mmdebstrap "${RECIPE[@]}" "$work/rootfs.tar" "$SOURCES" >"$log" 2>&1 || {
      echo "bootstrap: mmdebstrap failed ($(grep -m1 -iE 'error' "$log" || tail -1 "$log")), see $log" >&2
      exit 1
    }
    podman import --quiet --change 'ENV LANG=C.UTF-8' --change "LABEL org.cxrplatform.base.recipe=$recipe_hash" \
        "$work/rootfs.tar" "$BASE_IMAGE" >/dev/null
    run_err=$(podman run --rm --network=none "$BASE_IMAGE" java -version 2>&1) || {
      echo "bootstrap: podman cannot run a container (${run_err##*$'\n'}); check $ENGINE_CONF" >&2
      exit 1
    }
  fi
fi
echo "bootstrap: ok"
