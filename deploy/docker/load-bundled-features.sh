#!/bin/bash
# One-shot feature loader: writes the entity files the bundled models ship (users.csv / items.csv, or .jsonl,
# in the highest version of each model under the models root) into the Redis feature store.
# Reads the same settings as the service: FeatureStore__Redis (required), FeatureStore__KeyPrefix, Models__Root.
# AFM_CLI overrides the command that runs `afm` (default: afm on PATH).
set -euo pipefail

redis=${FeatureStore__Redis:-}
prefix=${FeatureStore__KeyPrefix:-afm:}
models_root=${Models__Root:-/app/models}
afm=${AFM_CLI:-afm}

if [ -z "$redis" ]; then
  echo "load-bundled-features: FeatureStore__Redis is empty; nothing to load into" >&2
  exit 2
fi
if [ ! -d "$models_root" ]; then
  echo "load-bundled-features: models root '$models_root' does not exist" >&2
  exit 2
fi

loaded=0
for model in "$models_root"/*/; do
  [ -d "$model" ] || continue
  # The service serves the highest version; load the entity files of that one.
  version=$(find "$model" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)
  [ -n "$version" ] || continue
  for entity in user item; do
    for file in "$model$version/${entity}s.csv" "$model$version/${entity}s.jsonl"; do
      [ -f "$file" ] || continue
      echo "load-bundled-features: $entity features from ${file#"$models_root"/}"
      $afm features load --redis "$redis" --entity "$entity" --file "$file" --prefix "$prefix"
      loaded=$((loaded + 1))
    done
  done
done

if [ "$loaded" -eq 0 ]; then
  echo "load-bundled-features: no users/items files under $models_root/<model>/<version>/; the store stays empty" >&2
fi
echo "load-bundled-features: loaded $loaded file(s)"
