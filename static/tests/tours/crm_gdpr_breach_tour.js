/** @odoo-module **/

import { printFromGearMenu, registerGdprTour } from "./crm_gdpr_tour_utils";

/**
 * The data protection officer records a personal data breach, marks it
 * reported to the supervisory authority and prints the notification.
 */
registerGdprTour("crm_gdpr_breach", () => [
    {
        content: "record a breach",
        trigger: ".o_view_controller.o_list_view .o_list_button_add",
        run: "click",
    },
    {
        content: "the DPO of the company's register is proposed",
        trigger: ".o_form_view .o_field_widget[name=dpo_id] input:value(Jan Inspektor)",
    },
    {
        content: "how many records",
        trigger: ".o_form_view .o_field_widget[name=records_count] input",
        run: "edit 120",
    },
    {
        content: "the confidentiality of the data was breached",
        trigger: ".o_form_view .o_field_widget[name=breach_confidentiality] input",
        run: "click",
    },
    {
        content: "describe the breach",
        trigger: ".o_form_view .o_field_widget[name=nature] textarea",
        run: "edit A mailing list was sent to all subscribers in the To field",
    },
    {
        content: "who is concerned",
        trigger: ".o_form_view .o_field_widget[name=subjects_description] textarea",
        run: "edit 120 newsletter subscribers, email addresses only",
    },
    {
        content: "the measures taken",
        trigger: ".o_form_view .o_field_widget[name=measures] textarea",
        run: "edit Recall of the message, apology to the subscribers",
    },
    {
        content: "mark the breach reported to the supervisory authority",
        trigger: ".o_form_view .o_field_widget[name=is_reported] input",
        run: "click",
    },
    {
        content: "the report date is proposed",
        trigger: ".o_form_view .o_field_widget[name=reported_at] input",
    },
    {
        content: "open the data subjects page",
        trigger: ".o_form_view .o_notebook a.nav-link[name=data_subjects]",
        run: "click",
    },
    {
        content: "the breach is a risk to the data subjects",
        trigger: ".o_form_view .o_field_widget[name=risk_level] input[data-value=risk]",
        run: "click",
    },
    {
        content: "save the breach",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "the breach is saved and shown as reported",
        trigger: ".o_form_view .o_form_saved .ribbon",
    },
    ...printFromGearMenu("crm_gdpr.report_gdpr_breach"),
]);
