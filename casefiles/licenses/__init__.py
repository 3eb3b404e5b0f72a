"""Electronic licenses (电子证照): issue on approval, signatures and certificates, verification, the
holder's wallet, reuse (免提交) and usage."""
