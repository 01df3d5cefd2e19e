#!/usr/bin/env bash
# Installs what the build and the tests need on a Debian machine of this kind:
# DICOM peers (DCMTK, Orthanc, dicom3tools, GDCM), PixelMed, Pillow for resize vectors,
# and puts the Debian-only jars (PixelMed, GDCM binding) into the local Maven repository.
# Idempotent: a second run only checks.
set -euo pipefail

PACKAGES=(libpixelmed-java libpixelmed-imageio-java libgdcm-java libgdcm-tools dcmtk orthanc
          orthanc-dicomweb dicom3tools python3-pil zip jq curl chromium chromium-driver)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
    echo "bootstrap: run as root, or: sudo apt-get install ${missing[*]}" >&2
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
echo "bootstrap: ok"
