/** @odoo-module **/

import { pickMany2one, registerGdprTour } from "./crm_gdpr_tour_utils";

/**
 * A salesperson opens a lead whose contact gave no consent, writes a
 * marketing e-mail in the full composer, sees the consent warning, discards
 * the e-mail and sends the information notice instead.
 */
registerGdprTour("crm_gdpr_information_notice", () => [
    {
        content: "the lead shows that its contact has no active consent",
        trigger: ".o_form_view div[name=gdpr_status]:not(:has(.o_field_widget[name=gdpr_active_category_ids]))",
    },
    {
        content: "the lead shows that its contact was not informed",
        trigger: ".o_form_view div[name=gdpr_status] .badge.text-bg-warning",
    },
    {
        content: "write a message",
        trigger: ".o-mail-Chatter-sendMessage",
        run: "click",
    },
    {
        content: "open the full composer",
        trigger: ".o-mail-Composer-fullComposer",
        run: "click",
    },
    {
        content: "the composer is open",
        trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=gdpr_category_id]",
    },
    ...pickMany2one("gdpr_category_id", "Marketing", ".modal"),
    {
        content: "the composer warns that the contact has no marketing consent",
        trigger: ".modal .o_gdpr_composer_warning:contains(Anna Kowalska)",
    },
    {
        content: "do not send the e-mail",
        trigger: ".modal .modal-footer button[special=cancel]",
        run: "click",
    },
    {
        content: "send the information notice instead",
        trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons button[name=action_gdpr_send_information_notice]",
        run: "click",
    },
    {
        content: "the lead now shows that its contact was informed",
        trigger: ".o_form_view div[name=gdpr_status] .badge.text-bg-success",
    },
]);
