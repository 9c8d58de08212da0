#!/bin/sh
# Refresh the translation catalogue and compile it: run after adding or changing translatable strings,
# then translate the new/fuzzy entries and run this again. Each app has its own catalogue in
# aftersales/<app>/locale/zh_Hans (a new app creates that folder); locale/ holds the project templates' strings.
# Commit both django.po and django.mo (the .mo is what Django reads at run time).
#
#   scripts/update_messages.sh            # zh_Hans (the default language)
#   scripts/update_messages.sh -l en      # any other makemessages arguments
set -eu

cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
IGNORES="--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=aftersales/static/vendor"

if [ "$#" -eq 0 ]; then
    set -- -l zh_Hans
fi
mkdir -p locale
# shellcheck disable=SC2086  # IGNORES is a list of words on purpose
"$PY" manage.py makemessages "$@" --no-obsolete --add-location=file $IGNORES
# The creation date changes on every run and would make every branch's catalogues conflict: drop it.
sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po aftersales/*/locale/*/LC_MESSAGES/django.po
# shellcheck disable=SC2086
"$PY" manage.py compilemessages $IGNORES

# Entries still to translate (msgfmt --statistics prints "N translated, M fuzzy, K untranslated").
for po in locale/*/LC_MESSAGES/django.po aftersales/*/locale/*/LC_MESSAGES/django.po; do
    printf '%s: ' "$po"
    msgfmt --statistics -o /dev/null "$po" 2>&1
done
