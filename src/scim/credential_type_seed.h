/*
 * The starter CredentialTypes of the demo tenant, created on the first
 * start together with the tenant (src/main.c), so that a new server can
 * issue credentials right away:
 *  - CT_ACODE  activation code (HID): MANAGED, a readOnly, tenant-unique
 *              ACTIVATION_CODE with maxLength and pattern, valid 30 days;
 *  - CT_OTP    OATH one-time password token: MANAGED, starts ACTIVE, a
 *              tenant-unique SERIAL, INT and LONG parameters with
 *              defaults;
 *  - CT_PKI    smart-card certificate: MANAGED, DATE attributes, a
 *              hexadecimal CERT_SERIAL, valid 365 days;
 *  - CT_BADGE  employee badge: AUTOMATED (issuance rules may issue it),
 *              attributes filled from the User (source), a SLOT unique
 *              among one owner's badges, valid 730 days.
 */
#ifndef SCIM_CREDENTIAL_TYPE_SEED_H
#define SCIM_CREDENTIAL_TYPE_SEED_H

#include "scim/scim.h"
#include "store/store.h"
#include "util/scim_err.h"
#include "util/str.h"

/*
 * Creates the starter types in tenant inside txn, through the same rules
 * as POST /CredentialTypes. Does nothing when the schemas directory
 * serves no CredentialType resource type.
 */
int credential_type_seed_demo(struct scim *s, struct store_txn *txn,
    struct str tenant, struct scim_err *err);

#endif
