// cert-manager: solves ACME DNS-01 challenges with TXT records in Route 53.
// Source: https://cert-manager.io/docs/configuration/acme/dns01/route53/ (v1.17)
//
// The published policy allows TXT changes in every hosted zone and suggests naming the zone;
// this one names the zones, and by default also limits the records to _acme-challenge names
// (the route53:ChangeResourceRecordSetsNormalizedRecordNames condition that kops uses for
// cert-manager). Set recordNames to the names a CNAME-delegated challenge lands on, or to [] to
// allow any TXT record in the zones. GetChange cannot name a zone (changes have their own ids),
// and ListHostedZonesByName has no resource; cert-manager needs it unless every Issuer sets
// hostedZoneID.
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');

function(hostedZones, recordNames=['_acme-challenge.*'])
  local zones = [irsa.hostedZoneArn(ctx.partition, zone) for zone in irsa.list(hostedZones)];
  assert std.length(zones) > 0 : 'hostedZones must name at least one hosted zone';
  local names = irsa.optionalList(recordNames);
  irsa.document([
    irsa.allow('route53:GetChange', irsa.arn(ctx.partition, 'route53', '', '', 'change/*')),
    irsa.allow('route53:ListResourceRecordSets', zones),
    irsa.allow('route53:ChangeResourceRecordSets', zones, {
      'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
    } + (if std.length(names) == 0 then {} else {
           'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names },
         })),
    irsa.allow('route53:ListHostedZonesByName', '*'),
  ])
