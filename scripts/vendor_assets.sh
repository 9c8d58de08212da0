#!/bin/sh
# Copy the front-end packages pinned in package-lock.json into aftersales/static/vendor/.
#
# Customers run the app on intranets, so every asset is served by the app itself (no CDN).
# The copied files are committed; node_modules/ is not. To upgrade a package:
#   npm install <pkg>@<version> && scripts/vendor_assets.sh && git add package*.json aftersales/static/vendor
# Source maps are copied too: the production ManifestStaticFilesStorage follows every
# sourceMappingURL comment and fails collectstatic when the .map file is missing.
set -eu

cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent

NM=node_modules
OUT=aftersales/static/vendor
rm -rf "$OUT"

copy() {  # copy <package> <dest dir under $OUT> <files...>
    pkg=$1
    dest=$OUT/$2
    shift 2
    mkdir -p "$dest"
    for f in "$@"; do
        cp "$NM/$pkg/$f" "$dest/"
    done
    cp "$NM/$pkg/LICENSE" "$dest/LICENSE"
    node -p "require('./$NM/$pkg/package.json').version" > "$dest/VERSION"
}

copy bootstrap bootstrap \
    dist/css/bootstrap.min.css dist/css/bootstrap.min.css.map \
    dist/js/bootstrap.bundle.min.js dist/js/bootstrap.bundle.min.js.map

copy bootstrap-icons bootstrap-icons font/bootstrap-icons.min.css
mkdir -p "$OUT/bootstrap-icons/fonts"
cp "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
    "$OUT/bootstrap-icons/fonts/"

copy htmx.org htmx dist/htmx.min.js

copy signature_pad signature_pad dist/signature_pad.umd.min.js dist/signature_pad.umd.min.js.map

# Charts for the reports (issue 18): the full build (every chart type, the canvas and SVG renderers);
# its minified file carries no sourceMappingURL comment, so no map is needed.
copy echarts echarts dist/echarts.min.js

echo "Vendored into $OUT:"
find "$OUT" -type f | sort
