# Sourced by the project's scripts: sets JAVA_HOME to a JDK >= 21 (Cairn's minimum), preferring the newest found.
# Order: $JAVA_HOME if new enough, then `java` on PATH, then the JDKs under /usr/lib/jvm (newest first).
cairn_java_major() { # prints the major version of the java binary $1
  # the JDK's release file says it without starting a JVM (a JVM start costs the server launcher a few hundred ms)
  local release major
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    [ -n "$major" ] && { echo "$major"; return; }
  fi
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
cairn_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(cairn_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME=$candidate
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "Cairn needs a JDK 21 or newer; none found (set JAVA_HOME)." >&2
  return 1
}
cairn_find_jdk
