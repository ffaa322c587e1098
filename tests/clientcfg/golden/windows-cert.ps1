# L2TP/IPsec connection '203.0.113.7', from `l2sec client-config windows`.
# Run it in an elevated PowerShell (Run as administrator); it replaces a
# connection of the same name. Windows asks for the user name and password
# when the connection is first used.
$ErrorActionPreference = 'Stop'
$name = '203.0.113.7'

# Windows sets up no IPsec SA with a gateway behind NAT, or from a client
# behind NAT, unless AssumeUDPEncapsulationContextOnSendRule is 2; L2TP/IPsec
# clients and gateways are usually behind NAT. It takes effect after a reboot.
New-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\PolicyAgent' `
    -Name 'AssumeUDPEncapsulationContextOnSendRule' -PropertyType DWord -Value 2 `
    -Force | Out-Null

# Certificate authentication: the machine trusts the gateway's CA and needs
# a certificate of its own from that CA, with its private key, in
# Cert:\LocalMachine\My (import it with Import-PfxCertificate).
$ca = Join-Path $env:TEMP 'l2sec-ca.crt'
Set-Content -Path $ca -Encoding Ascii -Value @'
-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUbzDTkErwuHh36CBsoCBU/xMs/80wCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNbDJzZWMgdGVzdCBDQTAgFw0yNjExMjUyMTI0MjNaGA8yMTI2
MTEwMTIxMjQyM1owGDEWMBQGA1UEAwwNbDJzZWMgdGVzdCBDQTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABLI3uDTPldEf4CxN0YAszl/VQOw8Vk/oAyReB7uh2udA
Fc43Ii2bfCRkB/VzMv0b0+zu1wn3YTft6hPQR6xC4OijUzBRMB0GA1UdDgQWBBQQ
FL9xSzQcxOLOojWQ2lWdJuP9oDAfBgNVHSMEGDAWgBQQFL9xSzQcxOLOojWQ2lWd
JuP9oDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQC7MJ3wu+G9
RU9zq44aiyOJslPH8mPwDhW/FtBv40K63gIhAJYK1yvABbKs90HmOSq6R+VdAWDP
IayNhZY4A1D0lLds
-----END CERTIFICATE-----
'@
Import-Certificate -FilePath $ca -CertStoreLocation 'Cert:\LocalMachine\Root' | Out-Null
Remove-Item $ca

if (Get-VpnConnection -Name $name -AllUserConnection -ErrorAction SilentlyContinue) {
    Remove-VpnConnection -Name $name -AllUserConnection -Force
}
# Full tunnel: all traffic goes through the tunnel.
Add-VpnConnection -Name $name -ServerAddress '203.0.113.7' -TunnelType L2tp -AllUserConnection `
    -AuthenticationMethod MSChapv2 -EncryptionLevel Required -RememberCredential -Force

$rule = 'l2sec: ' + $name
Get-DnsClientNrptRule | Where-Object { $_.DisplayName -ceq $rule } |
    ForEach-Object { Remove-DnsClientNrptRule -Name $_.Name -Force }
Write-Host "Done: reboot once for the NAT setting, then connect to $name."
