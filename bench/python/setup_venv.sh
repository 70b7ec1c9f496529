#!/usr/bin/env bash
# Reproducibly create the developer-only Python venv used by bench/python/*.py.
# Python is a developer tool here: it is NEVER a dependency of the Java build or tests.
#
# Usage: bench/python/setup_venv.sh [VENV_DIR]   (default /work/venv)
#        FRESH=1 bench/python/setup_venv.sh      (delete and recreate the venv first)
#
# Offline: pip must only see local stores. The torch wheel lives in /opt/wheels; numpy, pillow and
# torch's pure-Python deps come from the local simple indexes. PyPI itself is not reachable.
set -euo pipefail

VENV="${1:-/work/venv}"
PY="${PYTHON:-python3.11}"
WHEELS="${WHEELS:-/opt/wheels}"
INDEX_A="${INDEX_A:-file:///opt/pypi/simple}"
INDEX_B="${INDEX_B:-file:///opt/pypi-more/simple}"
TORCH_VERSION="${TORCH_VERSION:-2.13.0+cpu}"

if [[ "${FRESH:-0}" == "1" && -d "$VENV" ]]; then
    echo "[setup_venv] removing $VENV"; rm -rf "$VENV"
fi
create_venv() {
    echo "[setup_venv] creating venv $VENV with $PY"
    "$PY" -m venv "$VENV"
}
[[ -x "$VENV/bin/python" ]] || create_venv

# Pin the sources explicitly (independent of the user's pip.conf): no PyPI, local stores only.
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
PIP_SRC=(--index-url "$INDEX_A" --extra-index-url "$INDEX_B" --find-links "$WHEELS")
install() {
    # Binary wheels only: nothing gets compiled.
    "${PIP[@]}" install --only-binary=:all: "${PIP_SRC[@]}" \
        "torch==${TORCH_VERSION}" "numpy>=1.26,<3" "pillow>=10"
}
if ! install; then
    # A previously interrupted install can leave a dist-info without a version, which makes pip 23's
    # resolver crash ("expected string or bytes-like object, got 'NoneType'"). Start from scratch once.
    echo "[setup_venv] install failed; recreating $VENV and retrying once" >&2
    rm -rf "$VENV"; create_venv; install
fi

echo "[setup_venv] verifying"
"$VENV/bin/python" - <<'PY'
import torch, numpy
try:
    import PIL
    pil = PIL.__version__
except Exception as e:  # pillow is optional
    pil = f"missing ({e})"
x = torch.nn.functional.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3))
assert float(x.sum()) == 36.0
print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {numpy.__version__}, pillow {pil}")
PY
"${PIP[@]}" check
echo "[setup_venv] OK: $VENV"
