// Reads outside the config's directory: refused.
local secret = importstr '../../../../etc/hostname';
{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: secret }] }
