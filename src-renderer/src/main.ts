import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { app } from './lib/state/app.svelte.js';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
mount(App, { target });
void app.start();
