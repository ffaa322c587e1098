# L2TP/IPsec connection 'Other ‘‘VPN’’', from `l2sec client-config windows`.
# Run it in an elevated PowerShell (Run as administrator); it replaces a
# connection of the same name. Windows asks for the user name and password
# when the connection is first used.
$ErrorActionPreference = 'Stop'
$name = 'Other ‘‘VPN’’'

# Windows sets up no IPsec SA with a gateway behind NAT, or from a client
# behind NAT, unless AssumeUDPEncapsulationContextOnSendRule is 2; L2TP/IPsec
# clients and gateways are usually behind NAT. It takes effect after a reboot.
New-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\PolicyAgent' `
    -Name 'AssumeUDPEncapsulationContextOnSendRule' -PropertyType DWord -Value 2 `
    -Force | Out-Null

if (Get-VpnConnection -Name $name -AllUserConnection -ErrorAction SilentlyContinue) {
    Remove-VpnConnection -Name $name -AllUserConnection -Force
}
# Split tunnel: only the routes below go through the tunnel.
Add-VpnConnection -Name $name -ServerAddress '198.51.100.9' -TunnelType L2tp -AllUserConnection `
    -L2tpPsk 'it''s "a" $(touch /tmp/pwned) `id` & <b> \ 100% a;b ‘‘q’’' `
    -AuthenticationMethod MSChapv2 -EncryptionLevel Required -RememberCredential -SplitTunneling `
    -DnsSuffix 'corp.example' -Force
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '10.1.0.0/16'
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '172.16.5.0/28'
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '192.0.2.128/25'
Write-Host "Done: reboot once for the NAT setting, then connect to $name."
