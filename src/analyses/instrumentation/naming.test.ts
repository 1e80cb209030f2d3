import { describe, expect, it } from 'vitest';
import { toCase, words } from './identifier.ts';
import { duplicateKey, isObjectAction, matchesCasing } from './naming.ts';
import { lintPlan } from './plan-lint.ts';
import { createEvent, createPlan } from './tracking-plan.ts';

describe('naming', () => {
  it('checks each casing', () => {
    expect(matchesCasing('Order Completed', 'title')).toBe(true);
    expect(matchesCasing('CTA Clicked', 'title')).toBe(true);
    expect(matchesCasing('Order completed', 'title')).toBe(false);
    expect(matchesCasing('order_completed', 'snake')).toBe(true);
    expect(matchesCasing('order_Completed', 'snake')).toBe(false);
    expect(matchesCasing('orderCompleted', 'camel')).toBe(true);
    expect(matchesCasing('OrderCompleted', 'camel')).toBe(false);
    expect(matchesCasing('order-completed', 'kebab')).toBe(true);
    expect(matchesCasing('order--completed', 'kebab')).toBe(false);
  });

  it('checks pascal case, which `gtm events lint --event-casing pascal` offers', () => {
    expect(matchesCasing('OrderCompleted', 'pascal')).toBe(true);
    expect(matchesCasing('InvoicePdfDownloaded', 'pascal')).toBe(true);
    expect(matchesCasing('orderCompleted', 'pascal')).toBe(false);
    expect(matchesCasing('Order Completed', 'pascal')).toBe(false);
    expect(matchesCasing('Order_Completed', 'pascal')).toBe(false);
    const plan = createPlan({
      name: 'p',
      events: [createEvent({ name: 'InvoiceCreated' }), createEvent({ name: 'invoice_sent' })],
    });
    const casing = lintPlan(plan, { eventCasing: 'pascal' }).findings.filter(
      (f) => f.rule === 'event-name-casing',
    );
    expect(casing.map((f) => f.event)).toEqual(['invoice_sent']);
  });

  it('recognises object–action names', () => {
    for (const ok of [
      'Order Completed',
      'order_completed',
      'Product List Viewed',
      'Invite Sent',
      'Signed Up',
      'Account Added User',
      'paymentInfoEntered',
    ]) {
      expect(isObjectAction(ok), ok).toBe(true);
    }
    for (const bad of ['Complete Order', 'Checkout', 'clickedButton', 'View Product', 'Order']) {
      expect(isObjectAction(bad), bad).toBe(false);
    }
  });

  it('splits and recases names', () => {
    expect(words('productListViewed')).toEqual(['product', 'list', 'viewed']);
    expect(words(`42_--terrible==\\"event'++name~!3`)).toEqual(['42', 'terrible', 'event', 'name', '3']);
    // Accented letters keep their letter: "Ünïcode Évent" was ['n', 'code', 'vent'].
    expect(words('Ünïcode Évent')).toEqual(['unicode', 'event']);
    expect(toCase('Commande Expédiée', 'camel')).toBe('commandeExpediee');
    expect(toCase('Straße Geändert', 'snake')).toBe('strasse_geandert');
    expect(toCase('Order Completed', 'snake')).toBe('order_completed');
    expect(toCase('order_completed', 'title')).toBe('Order Completed');
    expect(toCase('order completed', 'kebab')).toBe('order-completed');
    expect(toCase('Order Completed', 'camel')).toBe('orderCompleted');
  });

  it('compares names for duplicates ignoring case and separators', () => {
    expect(duplicateKey('Event Collided')).toBe(duplicateKey('event_collided'));
    expect(duplicateKey('Property Collided')).toBe(duplicateKey('property-collided'));
    expect(duplicateKey('Order Completed')).not.toBe(duplicateKey('Order Complete'));
  });
});
