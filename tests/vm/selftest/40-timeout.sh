# Harness self-test: runs past its timeout; must be reported failed.
# vm-timeout: 3
sleep 60
