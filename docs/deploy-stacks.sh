#!/usr/bin/env bash
# Deploys the CloudFormation stacks that irsagen rendered, in the order of stacks.json.
#
#   docs/deploy-stacks.sh out/cloudformation/stacks.json [account-name]
#
# Each stack is deployed in its account and region. The script assumes credentials for each
# account are available as an AWS CLI profile named after the account (override with
# PROFILE_<ACCOUNT>=name, dashes as underscores), and it needs jq. It stops at the first failure;
# deploy is idempotent, so running it again resumes.
set -euo pipefail

plan=${1:?usage: deploy-stacks.sh path/to/stacks.json [account]}
only=${2:-}
root=$(dirname "$(dirname "$plan")")

jq -c '.stacks[]' "$plan" | while read -r stack; do
  name=$(jq -r .name <<<"$stack")
  account=$(jq -r .account <<<"$stack")
  [ -n "$only" ] && [ "$account" != "$only" ] && continue
  var="PROFILE_$(tr 'a-z-' 'A-Z_' <<<"$account")"
  profile=${!var:-$account}
  want=$(jq -r .accountId <<<"$stack")
  # Never deploy one account's roles into another: check where the profile points first.
  got=$(aws sts get-caller-identity --profile "$profile" --query Account --output text)
  if [ "$got" != "$want" ]; then
    echo "profile $profile is account $got, but stack $name belongs to $want" >&2
    exit 1
  fi
  echo "==> $name (account $account $want, $(jq -r .region <<<"$stack"))"
  aws cloudformation deploy \
    --profile "$profile" \
    --region "$(jq -r .region <<<"$stack")" \
    --stack-name "$name" \
    --template-file "$root/$(jq -r .template <<<"$stack")" \
    --capabilities $(jq -r '.capabilities | join(" ")' <<<"$stack") \
    --no-fail-on-empty-changeset
done
